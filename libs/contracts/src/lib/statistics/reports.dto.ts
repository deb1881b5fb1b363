import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PAGE_DEFAULT_LIMIT, PageQueryDto } from '../common/page.dto';
import { Trim } from '../common/transforms';

export const REPORTS_PAGE_DEFAULT_LIMIT = PAGE_DEFAULT_LIMIT;

export class CreateReportDto {
  @ApiProperty({ example: 'First report', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;
}

export class UpdateReportDto extends PartialType(CreateReportDto) {}

export class ReportIdDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'ObjectId, 24 hex characters' })
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** Payload of `statistics.reports.update`: the id from the path plus the patch from the body. */
export class UpdateReportCommand extends UpdateReportDto {
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** The caller's own reports by default; everyone's or one user's for admins only. */
export class ListReportsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['mine', 'all'],
    default: 'mine',
    description: '`all`: everyone’s reports (admins only; 403 AUTH.FORBIDDEN for anyone else)',
  })
  @IsOptional()
  @IsIn(['mine', 'all'])
  scope?: 'mine' | 'all';

  @ApiPropertyOptional({
    example: '665f1c2e8b3e4a0012345678',
    description: 'Only this user’s reports (admins only; 403 AUTH.FORBIDDEN for anyone else)',
  })
  @IsOptional()
  @IsMongoId({ message: 'ownerId must be a 24-character hex ObjectId' })
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive prefix of the name', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

export class ReportDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The user who created it' })
  ownerId!: string;

  @ApiProperty({ example: 'First report' })
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ReportPageDto {
  @ApiProperty({ type: () => [ReportDto] })
  items!: ReportDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

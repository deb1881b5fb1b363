import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PAGE_DEFAULT_LIMIT, PageQueryDto } from '../common/page.dto';
import { Trim } from '../common/transforms';

export const APPLICATIONS_PAGE_DEFAULT_LIMIT = PAGE_DEFAULT_LIMIT;

export class CreateApplicationDto {
  @ApiProperty({ example: 'First application', minLength: 1, maxLength: 100 })
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

export class UpdateApplicationDto extends PartialType(CreateApplicationDto) {}

export class ApplicationIdDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'ObjectId, 24 hex characters' })
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** Payload of `applications.applications.update`: the id from the path plus the patch from the body. */
export class UpdateApplicationCommand extends UpdateApplicationDto {
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** The caller's own applications by default; everyone's or one user's for admins only. */
export class ListApplicationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['mine', 'all'],
    default: 'mine',
    description: '`all`: everyone’s applications (admins only; 403 AUTH.FORBIDDEN for anyone else)',
  })
  @IsOptional()
  @IsIn(['mine', 'all'])
  scope?: 'mine' | 'all';

  @ApiPropertyOptional({
    example: '665f1c2e8b3e4a0012345678',
    description: 'Only this user’s applications (admins only; 403 AUTH.FORBIDDEN for anyone else)',
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

export class ApplicationDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The user who created it' })
  ownerId!: string;

  @ApiProperty({ example: 'First application' })
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ApplicationPageDto {
  @ApiProperty({ type: () => [ApplicationDto] })
  items!: ApplicationDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

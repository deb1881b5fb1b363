import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { DataFieldDto } from './data-schema.dto';
import { PAGE_DEFAULT_LIMIT, PageQueryDto } from '../common/page.dto';
import { Trim } from '../common/transforms';

export const DATASETS_PAGE_DEFAULT_LIMIT = PAGE_DEFAULT_LIMIT;

export class CreateDatasetDto {
  @ApiProperty({ example: 'First dataset', minLength: 1, maxLength: 100 })
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

export class UpdateDatasetDto extends PartialType(CreateDatasetDto) {}

export class DatasetIdDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'ObjectId, 24 hex characters' })
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** Payload of `data.datasets.update`: the id from the path plus the patch from the body. */
export class UpdateDatasetCommand extends UpdateDatasetDto {
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** The caller's own datasets by default; everyone's or one user's for admins only. */
export class ListDatasetsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['mine', 'all'],
    default: 'mine',
    description: '`all`: everyone’s datasets (admins only; 403 AUTH.FORBIDDEN for anyone else)',
  })
  @IsOptional()
  @IsIn(['mine', 'all'])
  scope?: 'mine' | 'all';

  @ApiPropertyOptional({
    example: '665f1c2e8b3e4a0012345678',
    description: 'Only this user’s datasets (admins only; 403 AUTH.FORBIDDEN for anyone else)',
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

export class DatasetDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The user who created it' })
  ownerId!: string;

  @ApiProperty({ example: 'First dataset' })
  name!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: () => [DataFieldDto], description: 'The typed fields of its rows: inferred from the first import unless set before it, then editable' })
  schema!: DataFieldDto[];

  @ApiProperty({ example: 100000, description: 'Rows in the current version' })
  rowCount!: number;

  @ApiProperty({ example: 3, description: 'The current version (0: nothing imported yet)' })
  version!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class DatasetPageDto {
  @ApiProperty({ type: () => [DatasetDto] })
  items!: DatasetDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsMongoId, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { DATA_FIELD_NAME_PATTERN, DATA_FIELD_TYPES, DataFieldDto, type DataFieldType } from './data-schema.dto';

const OBJECT_ID = { message: 'must be a 24-character hex ObjectId' };

export const IMPORT_MODES = ['strict', 'skip-invalid'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const EXPORT_FORMATS = ['csv', 'ndjson', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** Errors an import job lists in `errors`; every rejected row is in rejected.csv. */
export const IMPORT_ERRORS_LISTED = 100;
export const ROWS_PAGE_DEFAULT_LIMIT = 50;
export const ROWS_PAGE_MAX_LIMIT = 1000;
export const ROWS_CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,2048}$/;

/** `?mode=` of an import: all or nothing (default), or the valid rows only. */
export class ImportQueryDto {
  @ApiPropertyOptional({
    enum: IMPORT_MODES,
    default: 'strict',
    description: '`strict`: the rows become the current version only if every one is valid; `skip-invalid`: the valid rows do, the others are reported',
  })
  @IsOptional()
  @IsIn(IMPORT_MODES)
  mode?: ImportMode;
}

export class DatasetImportIdDto {
  @IsMongoId(OBJECT_ID)
  datasetId!: string;

  @IsMongoId(OBJECT_ID)
  jobId!: string;
}

export class DatasetRowIdDto {
  @IsMongoId(OBJECT_ID)
  datasetId!: string;

  @IsMongoId(OBJECT_ID)
  rowId!: string;
}

/** One problem with one value of one row, where a person can find it in the uploaded file. */
export class ImportErrorDto {
  @ApiProperty({ example: 7, description: '1-based line of the uploaded file (header included) on which the record starts' })
  line!: number;

  @ApiProperty({ type: String, nullable: true, example: 'age', description: 'The column (field), or null for the whole record' })
  column!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'abc', description: 'The offending value as written (at most 200 characters)' })
  value!: string | null;

  @ApiProperty({ example: 'type', description: 'type, required, enum, min, max, pattern, columns, unknown-field, duplicate-key, max-size, malformed' })
  rule!: string;

  @ApiProperty({ example: 'age must be an integer' })
  message!: string;
}

export class ImportFailureDto {
  @ApiProperty({ example: 'DATA.INVALID_ROWS' })
  code!: string;

  @ApiProperty()
  message!: string;
}

export class ImportJobDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  jobId!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  datasetId!: string;

  @ApiProperty({ enum: IMPORT_STATUSES })
  status!: ImportStatus;

  @ApiProperty({ enum: IMPORT_MODES })
  mode!: ImportMode;

  @ApiProperty({ enum: IMPORT_FORMATS })
  format!: ImportFormat;

  @ApiProperty({ description: 'Size of the uploaded file in bytes' })
  bytes!: number;

  @ApiProperty({ description: 'Bytes of the file parsed so far: with `bytes`, the progress' })
  bytesRead!: number;

  @ApiProperty()
  rowsRead!: number;

  @ApiProperty()
  rowsImported!: number;

  @ApiProperty()
  rowsRejected!: number;

  @ApiProperty({ type: () => [ImportErrorDto], description: `The first ${IMPORT_ERRORS_LISTED} problems; all rejected rows are in rejected.csv` })
  errors!: ImportErrorDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'The version the import made current (completed jobs)' })
  version!: number | null;

  @ApiProperty({ type: () => ImportFailureDto, nullable: true, description: 'Why a failed job failed' })
  failure!: ImportFailureDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
}

/** The answer to an accepted import (202). */
export class ImportAcceptedDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  jobId!: string;

  @ApiProperty({ enum: IMPORT_STATUSES, example: 'queued' })
  status!: ImportStatus;
}

export class ImportJobListDto {
  @ApiProperty({ type: () => [ImportJobDto], description: 'The dataset’s most recent imports, newest first' })
  items!: ImportJobDto[];
}

export class DatasetVersionDto {
  @ApiProperty({ example: 2 })
  version!: number;

  @ApiProperty({ enum: ['import', 'transform'] })
  source!: 'import' | 'transform';

  @ApiProperty()
  rowCount!: number;

  @ApiProperty({ type: () => [DataFieldDto] })
  schema!: DataFieldDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ description: 'Whether it is the current version' })
  current!: boolean;
}

export class DatasetVersionListDto {
  @ApiProperty({ type: () => [DatasetVersionDto], description: 'Kept versions, newest first (DATA_VERSIONS_KEPT)' })
  items!: DatasetVersionDto[];
}

export class RollbackDto {
  @ApiProperty({ example: 1, description: 'A kept version to make current again' })
  @IsInt()
  @Min(1)
  version!: number;
}

/** `GET /datasets/:id/rows`. */
export class RowsQueryDto {
  @ApiPropertyOptional({ example: 'age=ge=30;name==Al*', description: 'RSQL/FIQL filter (docs/data.md): `;` and, `,` or, == != < <= > >= =in= =out=, `*` in a string for prefix/contains' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  filter?: string;

  @ApiPropertyOptional({ example: '-age,name', description: 'Fields to sort by, `-` for descending (at most 4)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  sort?: string;

  @ApiPropertyOptional({ example: 'name,age', description: 'Only these fields in each row' })
  @IsOptional()
  @IsString()
  @MaxLength(8000)
  fields?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: ROWS_PAGE_MAX_LIMIT, default: ROWS_PAGE_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(ROWS_PAGE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page' })
  @IsOptional()
  @Matches(ROWS_CURSOR_PATTERN, { message: 'cursor is not a valid page cursor' })
  cursor?: string;
}

export class RowsQueryCommand extends RowsQueryDto {
  @IsMongoId(OBJECT_ID)
  datasetId!: string;
}

export class RowDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { name: 'Alice', age: 31 }, description: 'The row’s values by field name' })
  data!: Record<string, unknown>;
}

export class RowPageDto {
  @ApiProperty({ type: () => [RowDto] })
  items!: RowDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

/** `PATCH /datasets/:id/rows/:rowId`: the values to change (null clears an optional field). */
export class UpdateRowDto {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { age: 32 } })
  @IsObject()
  data!: Record<string, unknown>;
}

export class UpdateRowCommand extends UpdateRowDto {
  @IsMongoId(OBJECT_ID)
  datasetId!: string;

  @IsMongoId(OBJECT_ID)
  rowId!: string;
}

/** `GET /datasets/:id/aggregate`. */
export class AggregateQueryDto {
  @ApiPropertyOptional({ example: 'city', description: 'Fields to group by, comma-separated (at most 3); none: one group of everything' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  groupBy?: string;

  @ApiPropertyOptional({ example: 'count,sum(price),avg(price),min(price),max(price)', default: 'count', description: 'count, sum(f), avg(f), min(f), max(f)' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  metrics?: string;

  @ApiPropertyOptional({ description: 'RSQL filter applied before grouping' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  filter?: string;
}

export class AggregateCommand extends AggregateQueryDto {
  @IsMongoId(OBJECT_ID)
  datasetId!: string;
}

export class AggregateGroupDto {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { city: 'Seoul' } })
  key!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number', nullable: true }, example: { count: 12, 'avg(price)': 3.5 } })
  values!: Record<string, number | null>;
}

export class AggregateResultDto {
  @ApiProperty({ type: () => [AggregateGroupDto], description: 'Groups ordered by key' })
  groups!: AggregateGroupDto[];
}

export const TRANSFORM_STEP_TYPES = ['rename', 'cast', 'filter', 'derive', 'drop', 'dedupe', 'sort'] as const;
export type TransformStepType = (typeof TRANSFORM_STEP_TYPES)[number];
export const CAST_ON_ERROR = ['fail', 'null', 'skip-row'] as const;

/**
 * One step of a transformation. Which properties a step uses depends on its `op`:
 * rename `field`→`to`; cast `field` to `type` (`onError`: fail the run, null the value, or drop
 * the row); filter keeps rows where `expression` is true; derive sets `field` (new or existing,
 * of `type`) to `expression`; drop removes `fields`; dedupe keeps the first row of each `fields`
 * key; sort orders by `fields` (`-name` descending).
 */
export class TransformStepDto {
  @ApiProperty({ enum: TRANSFORM_STEP_TYPES })
  @IsIn(TRANSFORM_STEP_TYPES)
  op!: TransformStepType;

  @ApiPropertyOptional({ description: 'rename, cast, derive: the field' })
  @IsOptional()
  @IsString()
  @Matches(DATA_FIELD_NAME_PATTERN, { message: 'field must be a valid field name' })
  field?: string;

  @ApiPropertyOptional({ description: 'rename: the new name' })
  @IsOptional()
  @IsString()
  @Matches(DATA_FIELD_NAME_PATTERN, { message: 'to must be a valid field name' })
  to?: string;

  @ApiPropertyOptional({ enum: DATA_FIELD_TYPES, description: 'cast, derive: the type of the result' })
  @IsOptional()
  @IsIn(DATA_FIELD_TYPES)
  type?: DataFieldType;

  @ApiPropertyOptional({ enum: CAST_ON_ERROR, default: 'fail', description: 'cast: what a value that does not convert does' })
  @IsOptional()
  @IsIn(CAST_ON_ERROR)
  onError?: (typeof CAST_ON_ERROR)[number];

  @ApiPropertyOptional({ example: 'price * quantity', maxLength: 1000, description: 'filter, derive: a JSONata expression over the row’s fields (docs/data.md lists what it may use)' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  expression?: string;

  @ApiPropertyOptional({ type: [String], description: 'drop, dedupe, sort: field names (sort: `-name` for descending)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(129, { each: true })
  fields?: string[];
}

export class TransformDto {
  @ApiProperty({ type: () => [TransformStepDto], maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TransformStepDto)
  steps!: TransformStepDto[];
}

export class TransformCommand extends TransformDto {
  @IsMongoId(OBJECT_ID)
  datasetId!: string;
}

export class TransformPreviewDto {
  @ApiProperty({ type: () => [DataFieldDto] })
  schemaBefore!: DataFieldDto[];

  @ApiProperty({ type: () => [DataFieldDto] })
  schemaAfter!: DataFieldDto[];

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The first 50 rows of the current version' })
  before!: Record<string, unknown>[];

  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'What the steps make of them' })
  after!: Record<string, unknown>[];
}

export class TransformResultDto {
  @ApiProperty({ example: 4 })
  version!: number;

  @ApiProperty()
  rowsIn!: number;

  @ApiProperty()
  rowsOut!: number;
}

/** `GET /datasets/:id/export`. */
export class ExportQueryDto {
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;

  @ApiPropertyOptional({ description: 'RSQL filter: only matching rows' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  filter?: string;

  @ApiPropertyOptional({ default: false, description: 'CSV: start with a UTF-8 byte order mark (for spreadsheets)' })
  @IsOptional()
  @IsIn(['true', 'false'])
  bom?: 'true' | 'false';
}

export class SchemaCommand {
  @IsMongoId(OBJECT_ID)
  id!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(300)
  @ValidateNested({ each: true })
  @Type(() => DataFieldDto)
  fields!: DataFieldDto[];
}

export class RollbackCommand extends RollbackDto {
  @IsMongoId(OBJECT_ID)
  id!: string;
}


/** Path parameters of `/datasets/:id/imports/:jobId`. */
export class ImportParamsDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  @IsMongoId(OBJECT_ID)
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  @IsMongoId(OBJECT_ID)
  jobId!: string;
}

/** Path parameters of `/datasets/:id/rows/:rowId`. */
export class RowParamsDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  @IsMongoId(OBJECT_ID)
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  @IsMongoId(OBJECT_ID)
  rowId!: string;
}

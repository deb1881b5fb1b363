import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsNumber, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';

export const DATA_FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'datetime', 'json'] as const;
export type DataFieldType = (typeof DATA_FIELD_TYPES)[number];

/**
 * A field name as a column header may have it (spaces, any script), but never empty, over 128
 * characters, with control characters, or one of the names JavaScript objects treat specially.
 */
// eslint-disable-next-line no-control-regex
export const DATA_FIELD_NAME_PATTERN = /^(?!(?:__proto__|constructor|prototype)$)[^\u0000-\u001f\u007f]{1,128}$/;
/** Fields a schema edit may send (the payload limit of a message); imports infer up to DATA_MAX_COLUMNS. */
export const DATA_MAX_SCHEMA_FIELDS = 300;

/** One typed field of a dataset's rows. */
export class DataFieldDto {
  @ApiProperty({ example: 'age', maxLength: 128 })
  @IsString()
  @Matches(DATA_FIELD_NAME_PATTERN, { message: 'name must be 1-128 characters without control characters, and not __proto__, constructor or prototype' })
  name!: string;

  @ApiProperty({ enum: DATA_FIELD_TYPES, example: 'integer' })
  @IsIn(DATA_FIELD_TYPES)
  type!: DataFieldType;

  @ApiPropertyOptional({ default: false, description: 'A row without a value for it is rejected' })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'The only values allowed (string fields: as written; others: their text form)', maxItems: 1000 })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(1000, { each: true })
  enum?: string[];

  @ApiPropertyOptional({ description: 'Smallest value (number, integer), shortest length (string)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  min?: number;

  @ApiPropertyOptional({ description: 'Largest value (number, integer), longest length (string)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  max?: number;

  @ApiPropertyOptional({
    example: '^[A-Z]{2}-\\d{4}$',
    maxLength: 500,
    description: 'A regular expression string values must match, run by RE2 (linear time: no backreferences or lookaround)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  pattern?: string;
}

/** `PUT /datasets/:id/schema`: the fields, in column order. */
export class ReplaceSchemaDto {
  @ApiProperty({ type: () => [DataFieldDto], maxItems: DATA_MAX_SCHEMA_FIELDS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(DATA_MAX_SCHEMA_FIELDS)
  @ValidateNested({ each: true })
  @Type(() => DataFieldDto)
  fields!: DataFieldDto[];
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsMongoId, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const INTERVALS = ['minute', 'hour', 'day'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Dimensions every counted event carries (owner where meaningful). */
export const DIMENSIONS = ['owner', 'outcome', 'service', 'event'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const SUMMARY_PERIODS = ['24h', '7d', '30d'] as const;
export type SummaryPeriod = (typeof SUMMARY_PERIODS)[number];

/** More points than this in one answer (slots × groups) is 400 STATISTICS.TOO_MANY_POINTS. */
export const MAX_SERIES_POINTS = 20_000;

const METRIC_NAME = /^[a-z][a-z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*){1,4}$/;
const ISO = { strict: true, strictSeparator: true } as const;

class TimeZoneQuery {
  @ApiPropertyOptional({ example: 'Asia/Seoul', default: 'UTC', description: 'IANA time zone the slots are aligned to' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tz?: string;
}

export class SeriesQueryDto extends TimeZoneQuery {
  @ApiProperty({ example: 'users.created', description: 'A metric from GET /api/v1/statistics/metrics' })
  @Matches(METRIC_NAME, { message: 'metric must be a metric name such as users.created' })
  metric!: string;

  @ApiProperty({ example: '2026-11-25T00:00:00Z', format: 'date-time', description: 'Start, inclusive (rounded down to its slot)' })
  @IsISO8601(ISO, { message: 'from must be an ISO 8601 date-time' })
  from!: string;

  @ApiProperty({ example: '2026-11-26T00:00:00Z', format: 'date-time', description: 'End, exclusive' })
  @IsISO8601(ISO, { message: 'to must be an ISO 8601 date-time' })
  to!: string;

  @ApiPropertyOptional({ enum: INTERVALS, default: 'hour' })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: Interval;

  @ApiPropertyOptional({ enum: DIMENSIONS, description: 'One series per value of this dimension' })
  @IsOptional()
  @IsIn(DIMENSIONS)
  groupBy?: Dimension;

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678', description: 'Only this user’s events (admins; others always see their own)' })
  @IsOptional()
  @IsMongoId({ message: 'ownerId must be a 24-character hex ObjectId' })
  ownerId?: string;
}

export class PointDto {
  @ApiProperty({ format: 'date-time', description: 'Start of the slot' })
  t!: string;

  @ApiProperty()
  value!: number;
}

export class SeriesGroupDto {
  @ApiProperty({ type: String, nullable: true, description: 'The dimension’s value; null when the event has none (e.g. a deleted user’s)' })
  group!: string | null;

  @ApiProperty({ type: () => [PointDto] })
  points!: PointDto[];
}

export class SeriesDto {
  @ApiProperty({ example: 'users.created' })
  metric!: string;

  @ApiProperty({ enum: INTERVALS })
  interval!: Interval;

  @ApiProperty({ example: 'UTC' })
  tz!: string;

  @ApiProperty({ enum: ['counter', 'gauge'], description: 'A gauge’s points are its level at the end of each slot' })
  kind!: 'counter' | 'gauge';

  @ApiPropertyOptional({ type: () => [PointDto], description: 'Without groupBy: one point per slot, zero-filled' })
  points?: PointDto[];

  @ApiPropertyOptional({ type: () => [SeriesGroupDto], description: 'With groupBy: one series per group, each zero-filled' })
  series?: SeriesGroupDto[];
}

export class SummaryQueryDto extends TimeZoneQuery {
  @ApiPropertyOptional({ enum: SUMMARY_PERIODS, default: '7d', description: 'The period, compared with the one before it' })
  @IsOptional()
  @IsIn(SUMMARY_PERIODS)
  period?: SummaryPeriod;
}

export class SummaryItemDto {
  @ApiProperty({ example: 'newUsers', description: 'Widget key: newUsers, logins, activeApps, storage, imports' })
  key!: string;

  @ApiProperty({ example: 'users.created' })
  metric!: string;

  @ApiProperty({ enum: ['counter', 'gauge'] })
  kind!: 'counter' | 'gauge';

  @ApiProperty({ example: 'count', description: 'count or bytes' })
  unit!: string;

  @ApiProperty({ description: 'A counter’s total in the period; a gauge’s level at its end' })
  total!: number;

  @ApiProperty({ description: 'The same for the previous period' })
  previous!: number;

  @ApiProperty({ description: 'total − previous' })
  delta!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'delta / previous × 100, null when previous is 0' })
  deltaPercent!: number | null;

  @ApiProperty({ type: [Number], description: 'The period slot by slot, oldest first: 24 hours, 7 days or 30 days' })
  sparkline!: number[];
}

export class SummaryDto {
  @ApiProperty({ enum: SUMMARY_PERIODS })
  period!: SummaryPeriod;

  @ApiProperty({ example: 'Asia/Seoul', description: 'The zone the slots follow: the one asked for, or UTC for a zone whose days are not whole hours (their minutes are not kept that long)' })
  tz!: string;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ type: () => [SummaryItemDto] })
  items!: SummaryItemDto[];
}

export class TopQueryDto {
  @ApiProperty({ example: 'images.uploaded.bytes' })
  @Matches(METRIC_NAME, { message: 'metric must be a metric name such as users.created' })
  metric!: string;

  @ApiProperty({ enum: DIMENSIONS })
  @IsIn(DIMENSIONS)
  by!: Dimension;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: 30 days before `to`' })
  @IsOptional()
  @IsISO8601(ISO, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @IsISO8601(ISO, { message: 'to must be an ISO 8601 date-time' })
  to?: string;
}

export class TopItemDto {
  @ApiProperty({ type: String, nullable: true })
  key!: string | null;

  @ApiProperty()
  value!: number;
}

export class TopDto {
  @ApiProperty()
  metric!: string;

  @ApiProperty({ enum: DIMENSIONS })
  by!: Dimension;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ type: () => [TopItemDto], description: 'Largest first' })
  items!: TopItemDto[];
}

export class MetricDto {
  @ApiProperty({ example: 'users.created' })
  name!: string;

  @ApiProperty({ enum: ['counter', 'gauge'] })
  kind!: 'counter' | 'gauge';

  @ApiProperty({ example: 'count', description: 'count or bytes or rows' })
  unit!: string;

  @ApiProperty()
  description!: string;

  @ApiProperty({ type: [String], description: 'The catalog events it is computed from' })
  events!: string[];

  @ApiProperty({ enum: DIMENSIONS, isArray: true })
  dimensions!: Dimension[];
}

export class MetricListDto {
  @ApiProperty({ type: () => [MetricDto] })
  items!: MetricDto[];
}

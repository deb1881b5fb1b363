import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsMongoId, IsOptional } from 'class-validator';
import { PAGE_DEFAULT_LIMIT, PageQueryDto } from '../common/page.dto';

export const REPORTS_PAGE_DEFAULT_LIMIT = PAGE_DEFAULT_LIMIT;
export const REPORT_KINDS = ['usage', 'activity', 'storage'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_FORMATS = ['csv', 'json', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

const ISO = { strict: true, strictSeparator: true } as const;

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_KINDS, description: 'usage: every counter; activity: sign-ins and registrations; storage: bytes and rows stored' })
  @IsIn(REPORT_KINDS)
  kind!: ReportKind;

  @ApiProperty({ example: '2026-11-01T00:00:00Z', format: 'date-time' })
  @IsISO8601(ISO, { message: 'from must be an ISO 8601 date-time' })
  from!: string;

  @ApiProperty({ example: '2026-11-26T00:00:00Z', format: 'date-time', description: 'End, exclusive; at most 366 days after from' })
  @IsISO8601(ISO, { message: 'to must be an ISO 8601 date-time' })
  to!: string;

  @ApiProperty({ enum: REPORT_FORMATS })
  @IsIn(REPORT_FORMATS)
  format!: ReportFormat;
}

export class ReportIdDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'ObjectId, 24 hex characters' })
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
}

export class ReportFailureDto {
  @ApiProperty({ example: 'STATISTICS.REPORT_TOO_LARGE' })
  code!: string;

  @ApiProperty()
  message!: string;
}

export class ReportDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The user who asked for it; an admin’s report covers everyone, a user’s only their own events' })
  ownerId!: string;

  @ApiProperty({ enum: REPORT_KINDS })
  kind!: ReportKind;

  @ApiProperty({ enum: REPORT_FORMATS })
  format!: ReportFormat;

  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;

  @ApiProperty({ enum: REPORT_STATUSES })
  status!: ReportStatus;

  @ApiProperty({ type: () => ReportFailureDto, nullable: true })
  failure!: ReportFailureDto | null;

  @ApiProperty({ example: 'usage-2026-11-01-2026-11-26.csv' })
  filename!: string;

  @ApiProperty({ description: 'Size of the file once completed, else 0' })
  bytes!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completedAt!: string | null;
}

export class ReportPageDto {
  @ApiProperty({ type: () => [ReportDto] })
  items!: ReportDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

/** A completed report's file, as the service hands it to the gateway. */
export interface ReportFile {
  filename: string;
  contentType: string;
  /** The file, base64. Reports are bounded by STATISTICS_REPORT_MAX_BYTES (8 MiB by default). */
  body: string;
}

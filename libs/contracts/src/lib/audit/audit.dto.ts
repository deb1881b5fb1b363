import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { PAGE_CURSOR_PATTERN } from '../common/page.dto';
import { AUDIT_ACTIONS, type AuditAction, type AuditOutcome } from './audit.patterns';

export const AUDIT_PAGE_DEFAULT_LIMIT = 50;
export const AUDIT_PAGE_MAX_LIMIT = 200;

/** An actor as recorded: a user id, or `service:<name>` for the platform itself. */
export const AUDIT_ACTOR_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** A target as recorded: `<kind>:<id>` (`user:<id>`, `key:<kid>`, `application:<clientId>`). */
export const AUDIT_TARGET_PATTERN = /^[a-z][a-z-]{0,31}:[A-Za-z0-9._:@-]{1,160}$/;
const ISO = { strict: true, strictSeparator: true } as const;

/** `?limit=&cursor=` of the audit log's lists: newest first, 50 by default, at most 200. */
export class AuditPageQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: AUDIT_PAGE_MAX_LIMIT,
    default: AUDIT_PAGE_DEFAULT_LIMIT,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_PAGE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Opaque cursor from a previous page (`nextCursor`)',
  })
  @IsOptional()
  @Matches(PAGE_CURSOR_PATTERN, {
    message: 'cursor is not a valid page cursor',
  })
  cursor?: string;
}

/** The admins' view of the log: any combination of filters, all of them exact but the time range. */
export class ListAuditEntriesQueryDto extends AuditPageQueryDto {
  @ApiPropertyOptional({
    example: '665f1c2e8b3e4a0012345678',
    description: 'Who acted: a user id, or `service:<name>`',
  })
  @IsOptional()
  @Matches(AUDIT_ACTOR_PATTERN, {
    message: 'actor must be a user id or service:<name>',
  })
  actor?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, example: 'users.roles.changed' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({
    example: 'user:665f1c2e8b3e4a0012345678',
    description: 'What it was done to: `<kind>:<id>`',
  })
  @IsOptional()
  @Matches(AUDIT_TARGET_PATTERN, {
    message: 'target must be <kind>:<id>, such as user:<id> or key:<kid>',
  })
  target?: string;

  @ApiPropertyOptional({
    example: '2026-11-25T00:00:00Z',
    format: 'date-time',
    description: 'Entries at or after this time',
  })
  @IsOptional()
  @IsISO8601(ISO, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-26T00:00:00Z',
    format: 'date-time',
    description: 'Entries before this time',
  })
  @IsOptional()
  @IsISO8601(ISO, { message: 'to must be an ISO 8601 date-time' })
  to?: string;
}

/** A signed-in user's own recent security activity: entries whose actor or target they are. */
export class ListMyAuditEntriesQueryDto extends AuditPageQueryDto {}

export class AuditEntryDto {
  @ApiProperty({
    example: '3f0c8f4e-8a53-4f39-9d7a-2f6b1c1e9a10',
    description: 'The entry; the id of the event that recorded it',
  })
  id!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'When the action happened, by the service that performed it',
  })
  at!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The user who acted, `service:<name>` for the platform, null when nobody was signed in',
  })
  actor!: string | null;

  @ApiProperty({ enum: AUDIT_ACTIONS })
  action!: AuditAction;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'key:5e0c…',
    description: '`<kind>:<id>`, or null',
  })
  target!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The client’s address as the gateway saw it',
  })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({
    description: 'The request id (`x-request-id`) of the call that did it',
  })
  requestId!: string;

  @ApiProperty({ enum: ['success', 'failure'] })
  outcome!: AuditOutcome;
}

export class AuditEntryPageDto {
  @ApiProperty({ type: () => [AuditEntryDto] })
  items!: AuditEntryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` to get the next (older) page; null at the end',
  })
  nextCursor!: string | null;
}

export class AuditVerificationDto {
  @ApiProperty({
    description: 'Every entry checked: its hash, its link to the one before, no gap in the sequence',
  })
  valid!: boolean;

  @ApiProperty({
    example: 1200,
    description: 'Entries examined (up to and including the first broken one)',
  })
  checked!: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The first entry that does not check, or null when the chain is valid',
  })
  firstBrokenId!: string | null;
}

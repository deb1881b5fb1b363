import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CIRCUIT_STATES, ImageUsageDto, SummaryDto } from '@site11/contracts';

/**
 * The dashboard is the gateway's own aggregate, never sent to a service, so its response DTOs
 * live here rather than in libs/contracts; each section's data reuses the contract DTO of the
 * service it comes from where there is one.
 */

export class SectionErrorDto {
  @ApiProperty({
    example: 'SERVICE_UNAVAILABLE',
    description:
      'The platform’s error code: SERVICE_UNAVAILABLE (no live instance, open circuit), UPSTREAM_TIMEOUT (no answer within the section deadline), AUTH.FORBIDDEN (the section is for admins), INTERNAL, or the code the service answered with',
  })
  code!: string;

  @ApiPropertyOptional({ example: 'The service is not available' })
  message?: string;
}

/** A section's DTO: `data` or `error`, never both, and `tookMs` always. */
function sectionOf<T>(dataType: Type<T>, description: string) {
  abstract class Section {
    @ApiPropertyOptional({ type: () => dataType, description: `${description}. Absent when \`error\` is set` })
    data?: T;

    @ApiPropertyOptional({ type: () => SectionErrorDto, description: 'Set instead of `data` when the section failed or missed its deadline' })
    error?: SectionErrorDto;

    @ApiProperty({ example: 12.4, description: 'Milliseconds from the start of the fan-out to this section’s outcome (at most the deadline, plus timer slack)' })
    tookMs!: number;
  }
  return Section;
}

export class RegistryServiceDto {
  @ApiProperty({ example: 'users' })
  name!: string;

  @ApiProperty({ example: 2, description: 'Instances the registry lists, whatever their status' })
  instances!: number;

  @ApiProperty({ example: 2, description: 'Of them, those whose last heartbeat said ready' })
  ready!: number;

  @ApiProperty({ enum: CIRCUIT_STATES, description: 'The gateway’s circuit breaker to this service' })
  circuit!: (typeof CIRCUIT_STATES)[number];
}

export class RegistryDataDto {
  @ApiProperty({ type: () => [RegistryServiceDto], description: 'Every service that has registered, by name' })
  services!: RegistryServiceDto[];
}

export const READINESS_STATUSES = ['up', 'down'] as const;

export class ReadinessServiceDto {
  @ApiProperty({ example: 'users' })
  name!: string;

  @ApiProperty({ enum: READINESS_STATUSES, description: 'Whether it answered its ping over the transport' })
  status!: (typeof READINESS_STATUSES)[number];

  @ApiPropertyOptional({ example: 3, description: 'Ping round trip, when up' })
  latencyMs?: number;

  @ApiPropertyOptional({ example: 'SERVICE_UNAVAILABLE', description: 'The error code, when down' })
  reason?: string;
}

export class ReadinessDataDto {
  @ApiProperty({ description: 'Every downstream service is up' })
  ready!: boolean;

  @ApiProperty({ type: () => [ReadinessServiceDto], description: 'Each downstream service (DOWNSTREAM_SERVICES), in that order' })
  services!: ReadinessServiceDto[];
}

export class CountDataDto {
  @ApiProperty({ example: 3, description: 'How many the caller owns, counted up to 100' })
  count!: number;

  @ApiProperty({ description: 'There are more than `count`: the service lists at most 100 at a time and keeps no total' })
  more!: boolean;
}

export class RegistrySectionDto extends sectionOf(RegistryDataDto, 'Instances per service from the registry, with the circuit (admins only: AUTH.FORBIDDEN for anyone else)') {}
export class ReadinessSectionDto extends sectionOf(ReadinessDataDto, 'Each downstream service’s answer to its ping, as GET /health/services reports it') {}
export class SummarySectionDto extends sectionOf(SummaryDto, 'GET /api/v1/statistics/summary for the caller (everyone’s numbers for an admin, the caller’s own otherwise)') {}
export class ApplicationsSectionDto extends sectionOf(CountDataDto, 'The caller’s own applications') {}
export class DatasetsSectionDto extends sectionOf(CountDataDto, 'The caller’s own datasets') {}
export class ImagesSectionDto extends sectionOf(ImageUsageDto, 'The caller’s own image storage (GET /api/v1/images/usage)') {}

export class DashboardSectionsDto {
  @ApiProperty({ type: () => RegistrySectionDto })
  registry!: RegistrySectionDto;

  @ApiProperty({ type: () => ReadinessSectionDto })
  readiness!: ReadinessSectionDto;

  @ApiProperty({ type: () => SummarySectionDto })
  summary!: SummarySectionDto;

  @ApiProperty({ type: () => ApplicationsSectionDto })
  applications!: ApplicationsSectionDto;

  @ApiProperty({ type: () => DatasetsSectionDto })
  datasets!: DatasetsSectionDto;

  @ApiProperty({ type: () => ImagesSectionDto })
  images!: ImagesSectionDto;
}

export class DashboardDto {
  @ApiProperty({ format: 'date-time', description: 'When the fan-out started' })
  generatedAt!: string;

  @ApiProperty({ example: 1500, description: 'The deadline each section had (DASHBOARD_SECTION_TIMEOUT_MS)' })
  deadlineMs!: number;

  @ApiProperty({ type: () => DashboardSectionsDto, description: 'Every section, always; each has `data` or `error`' })
  sections!: DashboardSectionsDto;
}

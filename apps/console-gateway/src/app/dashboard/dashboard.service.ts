import { Injectable, Logger } from '@nestjs/common';
import { forbidden } from '@site11/auth';
import {
  ApplicationsPatterns,
  CommonErrors,
  DatasetsPatterns,
  DomainError,
  ErrorKind,
  ImagesPatterns,
  type ImageUsageDto,
  isAdmin,
  type Page,
  PAGE_MAX_LIMIT,
  pingPattern,
  StatisticsPatterns,
  type SummaryDto,
  type SummaryQueryDto,
} from '@site11/contracts';
import type { AuthUser } from '@site11/gateway-auth';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { RegistryReader } from '@site11/registry';
import { GatewayConfig } from '../gateway.config';
import type { CountDataDto, DashboardDto, ReadinessDataDto, ReadinessServiceDto, RegistryDataDto } from './dashboard.dto';
import { fanOut } from './fan-out';

/**
 * The readiness section's pings end a little before the section's own deadline, so a service that
 * does not answer is reported inside the section (down, UPSTREAM_TIMEOUT) instead of costing the
 * other services' answers.
 */
const PING_SHARE_OF_DEADLINE = 0.9;

interface DashboardSections extends Record<string, unknown> {
  registry: RegistryDataDto;
  readiness: ReadinessDataDto;
  summary: SummaryDto;
  applications: CountDataDto;
  datasets: CountDataDto;
  images: ImageUsageDto;
}

/** `GET /api/v1/dashboard`: every section asked for at once, each within its own deadline. */
@Injectable()
export class DashboardService {
  private readonly logger = new Logger(DashboardService.name);
  private readonly downstream: string[];

  constructor(
    private readonly rpc: RpcClient,
    private readonly registry: RegistryReader,
    private readonly config: GatewayConfig,
  ) {
    this.downstream = config.DOWNSTREAM_SERVICES.split(',');
  }

  async build(user: AuthUser, call: CallOptions, summaryQuery: SummaryQueryDto): Promise<DashboardDto> {
    const generatedAt = new Date().toISOString();
    const deadlineMs = this.config.DASHBOARD_SECTION_TIMEOUT_MS;
    // the section deadline is also the calls' deadline: a service drops what arrives after it
    const within = (ms: number): CallOptions => ({ ...call, deadlineMs: ms });
    const mine = { scope: 'mine', limit: PAGE_MAX_LIMIT };
    const sections = await fanOut<DashboardSections>(
      {
        registry: () => this.registrySection(user),
        readiness: (ms) => this.readinessSection(call.requestId, ms),
        summary: (ms) => this.rpc.send<SummaryDto>(StatisticsPatterns.summary, summaryQuery, within(ms)),
        applications: (ms) => this.count(ApplicationsPatterns.list, mine, within(ms)),
        datasets: (ms) => this.count(DatasetsPatterns.list, mine, within(ms)),
        images: (ms) => this.rpc.send<ImageUsageDto>(ImagesPatterns.usage, {}, within(ms)),
      },
      {
        deadlineMs,
        onUnexpected: (section, error) =>
          this.logger.error({ requestId: call.requestId, msg: `Dashboard section ${section} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` }),
      },
    );
    return { generatedAt, deadlineMs, sections };
  }

  private async registrySection(user: AuthUser): Promise<RegistryDataDto> {
    // as GET /api/v1/services: hosts, pids and versions are for operators
    if (!isAdmin(user)) throw forbidden('The service registry is for admins');
    let services;
    try {
      services = await this.registry.services();
    } catch {
      throw new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'The service registry is unavailable');
    }
    const circuits = this.rpc.circuits();
    return {
      services: services.map(({ name, instances }) => ({
        name,
        instances: instances.length,
        ready: instances.filter((instance) => instance.status === 'ready').length,
        circuit: circuits[name] ?? 'closed',
      })),
    };
  }

  private async readinessSection(requestId: string, deadlineMs: number): Promise<ReadinessDataDto> {
    const pingMs = Math.max(1, Math.floor(deadlineMs * PING_SHARE_OF_DEADLINE));
    const services = await Promise.all(
      this.downstream.map(async (name): Promise<ReadinessServiceDto> => {
        const started = performance.now();
        try {
          // a probe goes around the circuit breaker, as /health/services does: it sees the service as it is
          await this.rpc.send(pingPattern(name), {}, { requestId, deadlineMs: pingMs, probe: true });
          return { name, status: 'up', latencyMs: Math.round((performance.now() - started) * 100) / 100 };
        } catch (error) {
          return { name, status: 'down', reason: error instanceof DomainError ? error.code : CommonErrors.serviceUnavailable };
        }
      }),
    );
    return { ready: services.every((service) => service.status === 'up'), services };
  }

  /** The list patterns keep no total: one page of the most a page holds says "n", or "more than n". */
  private async count(pattern: string, query: object, call: CallOptions): Promise<CountDataDto> {
    const page = await this.rpc.send<Page<unknown>>(pattern, query, call);
    return { count: page.items.length, more: page.nextCursor !== null };
  }
}

import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, Roles } from '@site11/gateway-auth';
import { DomainError, ErrorKind, ServiceStatusDto } from '@site11/contracts';
import { ReadinessService } from '@site11/health';
import { type CircuitStateName, RpcClient } from '@site11/messaging';
import { pingCheck } from '@site11/platform';
import { MetricsService } from '@site11/observability';
import { RegistryReader, type ServiceView } from '@site11/registry';
import type { FastifyReply } from 'fastify';
import { GatewayConfig } from '../gateway.config';
import { ApiErrors } from '../http/error-response';

type ServiceStatus = ServiceView & { circuit: CircuitStateName };

const CIRCUIT_VALUES: Record<CircuitStateName, number> = { closed: 0, 'half-open': 1, open: 2, isolated: 3 };

/** What operators read: the registry with breaker states, and downstream readiness. */
@ApiTags('operations')
@Controller()
export class OperationsHttpController {
  constructor(
    private readonly registry: RegistryReader,
    private readonly rpc: RpcClient,
    private readonly readiness: ReadinessService,
    private readonly config: GatewayConfig,
    metrics: MetricsService,
  ) {
    metrics.gauge('rpc_circuit_state', 'Circuit breaker per downstream service: 0 closed, 1 half-open, 2 open', ['target'], (gauge) => {
      gauge.reset();
      for (const [target, state] of Object.entries(this.rpc.circuits())) gauge.set({ target }, CIRCUIT_VALUES[state]);
    });
  }

  @Get('services')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every service in the registry, its instances and their status, and its circuit (admin)' })
  @ApiOkResponse({ type: [ServiceStatusDto] })
  @ApiErrors(401, 403)
  async services(): Promise<ServiceStatus[]> {
    const circuits = this.rpc.circuits();
    return (await this.registry.services()).map((service) => ({ ...service, circuit: circuits[service.name] ?? 'closed' }));
  }

  @Get('services/:name')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'One service from the registry (admin)' })
  @ApiOkResponse({ type: ServiceStatusDto })
  @ApiErrors(401, 403, 404)
  async service(@Param('name') name: string): Promise<ServiceStatus> {
    const service = await this.registry.service(name);
    if (service.instances.length === 0) {
      throw new DomainError('SERVICES.NOT_FOUND', ErrorKind.NotFound, `No service named "${name}" has registered`);
    }
    return { ...service, circuit: this.rpc.circuits()[name] ?? 'closed' };
  }

  @Public()
  @Get('health/services')
  @ApiOperation({ summary: 'Readiness of each downstream service as the gateway sees it (terminus format)' })
  async downstream(@Res({ passthrough: true }) reply: FastifyReply) {
    const names = this.config.DOWNSTREAM_SERVICES.split(',');
    const { ready, result } = await this.readiness.run(names.map((name) => pingCheck(this.rpc, name)));
    if (!ready) reply.status(503);
    return result;
  }
}

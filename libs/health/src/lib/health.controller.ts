import { Controller, Get, HttpStatus, Res, SetMetadata } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { PUBLIC_OPERATION, PUBLIC_ROUTE } from '@site11/contracts';
import type { FastifyReply } from 'fastify';
import { ReadinessService } from './readiness.service';

/**
 * Kubernetes-style probes. Liveness says only that the process serves HTTP; readiness checks the
 * dependencies a request needs, and turns 503 (`shutting_down`) as soon as shutdown starts.
 */
@Controller('health')
@ApiTags('health')
@SetMetadata(PUBLIC_ROUTE, true)
@ApiExtension(PUBLIC_OPERATION, true)
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process serves HTTP (503 never, unless it cannot answer at all)' })
  live(): HealthCheckResult {
    // Nothing to check: answering is the proof. A process that is shutting down is still alive
    // (only readiness reports it). Terminus' result shape, without running terminus per probe.
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the dependencies a request needs answer; 503 with the failing ones, or while shutting down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const { ready, result } = await this.readiness.check();
    return this.send(reply, ready, result);
  }

  private send(reply: FastifyReply, ok: boolean, result: HealthCheckResult): HealthCheckResult {
    if (!ok) reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return result;
  }
}

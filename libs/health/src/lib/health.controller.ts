import { Controller, Get, HttpStatus, Res, SetMetadata } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult } from '@nestjs/terminus';
import { PUBLIC_ROUTE } from '@site11/contracts';
import type { FastifyReply } from 'fastify';
import { ReadinessService } from './readiness.service';

/**
 * Kubernetes-style probes. Liveness says only that the process serves HTTP; readiness checks the
 * dependencies a request needs, and turns 503 (`shutting_down`) as soon as shutdown starts.
 */
@Controller('health')
@SetMetadata(PUBLIC_ROUTE, true)
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @HealthCheck()
  async live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const { result } = await this.readiness.run([]);
    // a process that is shutting down is still alive: only readiness reports it
    return this.send(reply, true, { ...result, status: 'ok' });
  }

  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const { ready, result } = await this.readiness.check();
    return this.send(reply, ready, result);
  }

  private send(reply: FastifyReply, ok: boolean, result: HealthCheckResult): HealthCheckResult {
    if (!ok) reply.status(HttpStatus.SERVICE_UNAVAILABLE);
    return result;
  }
}

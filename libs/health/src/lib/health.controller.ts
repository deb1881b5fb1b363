import { Controller, Get, HttpStatus, Inject, Res, SetMetadata } from '@nestjs/common';
import { PUBLIC_ROUTE } from '@site11/contracts';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  type HealthIndicatorFunction,
  MongooseHealthIndicator,
} from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { HEALTH_OPTIONS, type HealthModuleOptions } from './health.options';
import { RedisHealthIndicator } from './redis.health';

/**
 * Kubernetes-style probes. Liveness says only that the process serves HTTP; readiness checks the
 * dependencies a request needs. The terminus body is returned as is, with 503 when not ready.
 */
@Controller('health')
@SetMetadata(PUBLIC_ROUTE, true)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
    private readonly mongoose: MongooseHealthIndicator,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthModuleOptions,
  ) {}

  @Get('live')
  @HealthCheck()
  live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.run([], reply);
  }

  @Get('ready')
  @HealthCheck()
  ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    const timeout = this.options.checkTimeoutMs ?? 1000;
    const checks: HealthIndicatorFunction[] = [];
    if (this.options.redisUrl) checks.push(() => this.redis.isHealthy('redis'));
    if (this.options.mongoose) checks.push(() => this.mongoose.pingCheck('mongodb', { timeout }));
    return this.run(checks, reply);
  }

  private async run(checks: HealthIndicatorFunction[], reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      const body = (error as { getResponse?: () => unknown }).getResponse?.();
      if (!body) throw error;
      reply.status(HttpStatus.SERVICE_UNAVAILABLE);
      return body as HealthCheckResult;
    }
  }
}

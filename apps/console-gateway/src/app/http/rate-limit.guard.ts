import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthErrors, DomainError, ErrorKind } from '@site11/contracts';
import { REDIS_CLIENT } from '@site11/messaging';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { GatewayConfig } from '../gateway.config';

const RATE_LIMIT = 'site11:rate-limit';

export interface RateLimitSpec {
  /** Name of the limited action; each has its own counters. */
  action: string;
  /** Which body field identifies the account (e.g. `email`, `refreshToken`). */
  accountField: string;
}

/** Limits the route per client IP and per account, with counters in Redis shared by all replicas. */
export const RateLimit = (spec: RateLimitSpec) => SetMetadata(RATE_LIMIT, spec);

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiters = new Map<string, { ip: RateLimiterRedis; account: RateLimiterRedis }>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const spec = this.reflector.get<RateLimitSpec | undefined>(RATE_LIMIT, context.getHandler());
    if (!spec) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { ip, account } = this.limitersFor(spec.action);
    const field = (request.body as Record<string, unknown> | undefined)?.[spec.accountField];
    try {
      await ip.consume(request.ip);
      // hashed, so neither emails nor tokens end up as Redis keys
      if (typeof field === 'string') await account.consume(createHash('sha256').update(field.trim().toLowerCase()).digest('hex'));
      return true;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        throw new DomainError('SERVICE_UNAVAILABLE', ErrorKind.Unavailable, 'Rate limiting is unavailable');
      }
      throw new DomainError(AuthErrors.rateLimited, ErrorKind.ResourceExhausted, 'Too many attempts, try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      });
    }
  }

  private limitersFor(action: string) {
    let limiters = this.limiters.get(action);
    if (!limiters) {
      const common = { storeClient: this.redis, duration: this.config.RATE_LIMIT_WINDOW_SECONDS };
      limiters = {
        ip: new RateLimiterRedis({ ...common, keyPrefix: `rl:${action}:ip`, points: this.config.RATE_LIMIT_PER_IP }),
        account: new RateLimiterRedis({
          ...common,
          keyPrefix: `rl:${action}:account`,
          points: this.config.RATE_LIMIT_PER_ACCOUNT,
        }),
      };
      this.limiters.set(action, limiters);
    }
    return limiters;
  }
}

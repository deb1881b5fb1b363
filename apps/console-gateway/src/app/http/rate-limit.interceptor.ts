import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthErrors, DomainError, ErrorKind } from '@site11/contracts';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { from, type Observable, switchMap, tap } from 'rxjs';
import { GatewayConfig } from '../gateway.config';

const RATE_LIMIT = 'site11:rate-limit';
const DAY_SECONDS = 86_400;

export interface RateLimitSpec {
  /** Name of the limited action; each has its own counters. */
  action: string;
  /**
   * What identifies the account: a body field (e.g. `email`, `refreshToken`), a cookie (the
   * console's refresh token), or `user` for the authenticated caller.
   */
  account: { field: string } | { cookie: string } | 'user' | 'none';
  /**
   * Whether a success gives its point back (default). Not for routes that send mail (a reset
   * link, a verification link): every request counts against the address, so nobody can flood
   * someone's mailbox from one address.
   */
  forgiveSuccess?: boolean;
}

function accountOf(spec: RateLimitSpec, request: FastifyRequest & { user?: { sub?: string } }): unknown {
  if (spec.account === 'none') return undefined;
  if (spec.account === 'user') return request.user?.sub;
  if ('cookie' in spec.account) return (request.cookies as Record<string, string | undefined> | undefined)?.[spec.account.cookie];
  return (request.body as Record<string, unknown> | undefined)?.[spec.account.field];
}

/**
 * Limits the route per client address and per account, with counters in Redis shared by all
 * replicas. It puts the limiter on this route alone: a controller-wide interceptor would cost
 * every other route of the controller a pass through Nest's interceptor chain (`GET /auth/me`,
 * docs/performance.md).
 */
export const RateLimit = (spec: RateLimitSpec) => applyDecorators(SetMetadata(RATE_LIMIT, spec), UseInterceptors(RateLimitInterceptor));

interface Limiters {
  /** Every attempt from one address. */
  ip: RateLimiterRedis;
  /** Failed attempts on one account from one address; lockouts grow exponentially. */
  accountIp: RateLimiterRedis;
  /** Lockouts of one address on one account in the last day. */
  lockouts: RateLimiterRedis;
  /** Failed attempts on one account from everywhere: a ceiling, not a lockout one address can cause. */
  account: RateLimiterRedis;
}

/**
 * Rate limits of the auth routes. Per address, every attempt counts. Per account, only failures
 * count (a success gives its points back), and they are keyed on account and address, so an
 * attacker's address locks only itself out, for twice as long at each lockout within a day; a
 * global per-account ceiling stays high enough that one address cannot exhaust it. Accounts are
 * hashed, so neither emails nor tokens end up as Redis keys.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly limiters = new Map<string, Limiters>();

  constructor(
    private readonly reflector: Reflector,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly config: GatewayConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const spec = this.reflector.get<RateLimitSpec | undefined>(RATE_LIMIT, context.getHandler());
    if (!spec) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: { sub?: string } }>();
    const field = accountOf(spec, request);
    const account = typeof field === 'string' ? createHash('sha256').update(field.trim().toLowerCase()).digest('hex') : null;
    const limiters = this.limitersFor(spec.action);
    return from(this.admit(limiters, request.ip, account)).pipe(
      switchMap(() => next.handle()),
      tap(() => {
        // a page answered with an error status (a sign-in form shown again) is a failure too
        const status = context.switchToHttp().getResponse<{ statusCode?: number }>().statusCode ?? 200;
        if (account && status < 400 && spec.forgiveSuccess !== false) void this.forgive(limiters, request.ip, account);
      }),
    );
  }

  private async admit(limiters: Limiters, ip: string, account: string | null): Promise<void> {
    try {
      await limiters.ip.consume(ip);
      if (!account) return;
      await this.consumeAccountIp(limiters, `${account}:${ip}`);
      await limiters.account.consume(account);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        throw new DomainError('SERVICE_UNAVAILABLE', ErrorKind.Unavailable, 'Rate limiting is unavailable');
      }
      throw new DomainError(AuthErrors.rateLimited, ErrorKind.ResourceExhausted, 'Too many attempts, try again later', {
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      });
    }
  }

  /** The first refused attempt of a lockout blocks the pair for window × 2^(lockouts today − 1). */
  private async consumeAccountIp(limiters: Limiters, key: string): Promise<void> {
    try {
      await limiters.accountIp.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes) || rejection.consumedPoints !== this.config.RATE_LIMIT_PER_ACCOUNT + 1) throw rejection;
      const { consumedPoints: lockouts } = await limiters.lockouts.penalty(key);
      const seconds = this.config.RATE_LIMIT_WINDOW_SECONDS * 2 ** Math.min(10, lockouts - 1);
      throw await limiters.accountIp.block(key, seconds);
    }
  }

  /** A success does not count against the account. */
  private async forgive(limiters: Limiters, ip: string, account: string): Promise<void> {
    await Promise.all([limiters.accountIp.reward(`${account}:${ip}`, 1), limiters.account.reward(account, 1)]).catch(() => undefined);
  }

  private limitersFor(action: string): Limiters {
    let limiters = this.limiters.get(action);
    if (!limiters) {
      const window = { storeClient: this.redis, duration: this.config.RATE_LIMIT_WINDOW_SECONDS };
      limiters = {
        ip: new RateLimiterRedis({ ...window, keyPrefix: `rl:${action}:ip`, points: this.config.RATE_LIMIT_PER_IP }),
        accountIp: new RateLimiterRedis({ ...window, keyPrefix: `rl:${action}:account-ip`, points: this.config.RATE_LIMIT_PER_ACCOUNT }),
        lockouts: new RateLimiterRedis({ storeClient: this.redis, duration: DAY_SECONDS, keyPrefix: `rl:${action}:lockouts`, points: 1_000_000 }),
        account: new RateLimiterRedis({ ...window, keyPrefix: `rl:${action}:account`, points: this.config.RATE_LIMIT_PER_ACCOUNT_GLOBAL }),
      };
      this.limiters.set(action, limiters);
    }
    return limiters;
  }
}

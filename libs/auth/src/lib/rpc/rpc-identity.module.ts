import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { BaseConfig } from '@site11/config';
import { CALLER_IDENTITY, type CallerIdentityResolver } from '@site11/contracts';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { AUTH_OPTIONS, type AuthModuleOptions } from '../auth.options';
import { unauthenticated } from '../auth.errors';
import { JwksStore } from '../jwks.store';
import { TokenDenylist } from '../token-denylist';
import { CredentialVerifier } from './credential-verifier';
import { readJwks } from './jwks-key';
import { RpcIdentityGuard } from './rpc-identity.guard';
import { RPC_IDENTITY_OPTIONS, type RpcIdentityOptions } from './rpc-identity.options';

/** Keys are read again this often, so a rotation or withdrawal reaches a service within it. */
const SERVICE_JWKS_CACHE_MS = 30_000;

/**
 * Who-calls-me for a message service: `RpcIdentityGuard` on every handler, verifying the
 * envelope's credential with the authority's keys as published in Redis. Needs
 * `RedisClientModule` in the app. The gateway's HTTP authentication is `AuthModule`, apart.
 */
@Module({})
export class RpcIdentityModule {
  static forService<C extends BaseConfig>(service: string, config: Type<C>): DynamicModule {
    return {
      module: RpcIdentityModule,
      // the app's one verifier, also for a service's own HTTP routes (the images service's bytes)
      global: true,
      providers: [
        {
          provide: RPC_IDENTITY_OPTIONS,
          inject: [config],
          useFactory: (values: C): RpcIdentityOptions => ({
            service,
            issuer: values.JWT_ISSUER,
            audience: values.JWT_AUDIENCE,
            applicationIssuer: values.PUBLIC_URL,
            jwksCacheMs: SERVICE_JWKS_CACHE_MS,
          }),
        },
        {
          provide: AUTH_OPTIONS,
          inject: [RPC_IDENTITY_OPTIONS, REDIS_CLIENT],
          useFactory: (options: RpcIdentityOptions, redis: RedisClient): AuthModuleOptions => ({
            issuer: options.issuer,
            audience: options.audience,
            ...(options.applicationIssuer ? { applicationIssuer: options.applicationIssuer } : {}),
            jwksCacheMs: options.jwksCacheMs,
            loadJwks: () => readJwks(redis),
          }),
        },
        JwksStore,
        TokenDenylist,
        CredentialVerifier,
        { provide: APP_GUARD, useClass: RpcIdentityGuard },
        {
          // the transport scopes idempotency keys by what the credential proves (bootstrapService)
          provide: CALLER_IDENTITY,
          inject: [CredentialVerifier],
          useFactory:
            (verifier: CredentialVerifier): CallerIdentityResolver =>
            async (metadata) => {
              const token = (metadata as { credential?: unknown } | undefined)?.credential;
              if (token === undefined) return {};
              if (typeof token !== 'string') throw unauthenticated();
              const proved = await verifier.verify(token, service);
              return proved.kind === 'user' ? { actor: proved.actor.sub } : { service: proved.service };
            },
        },
      ],
      exports: [CredentialVerifier, CALLER_IDENTITY],
    };
  }
}

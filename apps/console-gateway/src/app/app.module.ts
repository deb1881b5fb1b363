import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthModule } from '@site11/auth';
import { AppConfigModule } from '@site11/config';
import { OAuthPatterns, type JsonWebKeySet } from '@site11/contracts';
import { createValidationPipe, PlatformModule, RedisClientModule, RpcClient } from '@site11/messaging';
import { randomUUID } from 'node:crypto';
import { AuthHttpModule } from './auth/auth-http.module';
import { GatewayConfig } from './gateway.config';
import { HttpErrorFilter } from './http/http-error.filter';
import { OperationsHttpModule } from './operations/operations-http.module';
import { UsersHttpModule } from './users/users-http.module';
// <nx-plugin:http-module-imports>

@Module({
  imports: [
    AppConfigModule.forRoot(GatewayConfig),
    PlatformModule.forApp({
      name: 'console-gateway',
      config: GatewayConfig,
      healthPort: (config) => config.PORT,
      metricsListener: (config) => ({ port: config.METRICS_PORT, host: config.METRICS_HOST }),
      downstream: (config) => config.DOWNSTREAM_SERVICES.split(','),
    }),
    RedisClientModule.forRootAsync({
      isGlobal: true,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({ url: config.REDIS_URL }),
    }),
    AuthModule.forRootAsync({
      inject: [GatewayConfig, RpcClient],
      useFactory: (config: GatewayConfig, rpc: RpcClient) => ({
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        clockToleranceSeconds: 30,
        loadJwks: () =>
          rpc.send<JsonWebKeySet>(OAuthPatterns.jwks, {}, { requestId: `jwks-${randomUUID()}`, deadlineMs: 2000 }),
      }),
    }),
    AuthHttpModule,
    OperationsHttpModule,
    UsersHttpModule,
    // <nx-plugin:http-modules>
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class AppModule {}

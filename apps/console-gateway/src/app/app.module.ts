import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { readJwks } from '@site11/auth';
import { GatewayAuthModule } from '@site11/gateway-auth';
import { ReadCacheModule } from '@site11/cache';
import { AppConfigModule } from '@site11/config';
import { createValidationPipe } from '@site11/messaging';
import { PlatformModule } from '@site11/platform';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { AuthHttpModule } from './auth/auth.http.module';
import { ConsoleHttpModule } from './console/console.http.module';
import { GatewayConfig } from './gateway.config';
import { CacheInvalidation } from './http/cached-resources';
import { HttpErrorFilter } from './http/http-error.filter';
import { OperationsHttpModule } from './operations/operations.http.module';
import { UsersHttpModule } from './users/users.http.module';
import { OAuth2HttpModule } from './oauth2/oauth2.http.module';
import { ApplicationsHttpModule } from './applications/applications.http.module';
import { ImagesHttpModule } from './images/images.http.module';
import { DataHttpModule } from './data/data.http.module';
import { StatisticsHttpModule } from './statistics/statistics.http.module';
import { DashboardHttpModule } from './dashboard/dashboard.http.module';
import { AuditHttpModule } from './audit/audit.http.module';
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
    GatewayAuthModule.forRootAsync({
      inject: [GatewayConfig, REDIS_CLIENT],
      useFactory: (config: GatewayConfig, redis: RedisClient) => ({
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
        // third-party applications' access tokens, on @Scopes() routes only
        applicationIssuer: config.PUBLIC_URL,
        clockToleranceSeconds: 30,
        // published by oauth in Redis, where no other app may write
        loadJwks: () => readJwks(redis),
      }),
    }),
    // reads cached in Redis, invalidated by writes and by the owning services' events
    ReadCacheModule.forRootAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({ ttlSeconds: config.CACHE_TTL_SECONDS }),
    }),
    AuthHttpModule,
    ConsoleHttpModule,
    OperationsHttpModule,
    UsersHttpModule,
    ApplicationsHttpModule,
    OAuth2HttpModule,
    ImagesHttpModule,
    DataHttpModule,
    StatisticsHttpModule,
    DashboardHttpModule,
    AuditHttpModule,
    // <nx-plugin:http-modules>
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
    CacheInvalidation,
  ],
})
export class AppModule {}

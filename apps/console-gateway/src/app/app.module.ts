import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AppConfigModule } from '@site11/config';
import { HealthModule } from '@site11/health';
import { createValidationPipe, MessagingModule } from '@site11/messaging';
import { GatewayConfig } from './gateway.config';
import { HttpErrorFilter } from './http/http-error.filter';
import { UsersHttpModule } from './users/users-http.module';

@Module({
  imports: [
    AppConfigModule.forRoot(GatewayConfig),
    MessagingModule.forRootAsync({
      isGlobal: true,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({
        redisUrl: config.REDIS_URL,
        caller: 'console-gateway',
        defaultDeadlineMs: config.RPC_DEADLINE_MS,
      }),
    }),
    HealthModule.forRootAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({ redisUrl: config.REDIS_URL }),
    }),
    UsersHttpModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ],
})
export class AppModule {}

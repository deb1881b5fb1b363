import { Module } from '@nestjs/common';
import { PlatformRedisClient } from './client/platform-redis.client';
import { RpcClient, TRANSPORT_CLIENT } from './client/rpc-client';
import { ConfigurableMessagingModule, MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';
import { transportRedisOptions } from './redis-options';

/** Client side of the transport: provides `RpcClient` to the app that calls services. */
@Module({
  providers: [
    {
      provide: TRANSPORT_CLIENT,
      inject: [MESSAGING_OPTIONS],
      useFactory: (options: MessagingModuleOptions) =>
        new PlatformRedisClient(transportRedisOptions(options.redisUrl, 'client')),
    },
    RpcClient,
  ],
  exports: [RpcClient],
})
export class MessagingModule extends ConfigurableMessagingModule {}

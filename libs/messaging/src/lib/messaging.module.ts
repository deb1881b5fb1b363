import { Module } from '@nestjs/common';
import { PlatformRedisClient } from './client/platform-redis.client';
import { RpcClient, TRANSPORT_CLIENT } from './client/rpc-client';
import { ConfigurableMessagingModule, MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging.options';
import { transportRedisOptions } from '@site11/redis';
import { RedisStreamsClient } from './streams/redis-streams.client';

/** Client side of the transport: provides `RpcClient` to the app that calls services. */
@Module({
  providers: [
    {
      provide: TRANSPORT_CLIENT,
      inject: [MESSAGING_OPTIONS],
      useFactory: (options: MessagingModuleOptions) =>
        options.transport === 'redis'
          ? new PlatformRedisClient(transportRedisOptions(options.redisUrl, 'client'))
          : new RedisStreamsClient({
              url: options.redisUrl,
              caller: options.caller,
              instanceId: options.instanceId ?? `${options.caller}-${process.pid}`,
              ...options.streams,
            }),
    },
    RpcClient,
  ],
  exports: [RpcClient],
})
export class MessagingModule extends ConfigurableMessagingModule {}

import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RegistryAnnouncer } from './registry.announcer';
import { ConfigurableRegistryModule, REGISTRY_OPTIONS, type RegistryModuleOptions } from './registry.options';
import { RegistryReader } from './registry.reader';
import { createRegistryRedis, REGISTRY_REDIS } from './registry.redis';

/** Service discovery in Redis: apps announce themselves (`announce`), the gateway reads. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: REGISTRY_REDIS,
      inject: [REGISTRY_OPTIONS],
      useFactory: (options: RegistryModuleOptions) => createRegistryRedis(options.redisUrl),
    },
    RegistryAnnouncer,
    RegistryReader,
  ],
  exports: [RegistryReader],
})
export class RegistryModule extends ConfigurableRegistryModule {}

import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { RedisTarget } from '@site11/redis';

export interface RegistryAnnouncement {
  service: string;
  instanceId: string;
  version: string;
  /** Port of the instance's health endpoints (and of a service's metrics; the gateway's have their own). */
  healthPort: number;
}

export interface RegistryModuleOptions {
  /** The registry's Redis: a URL, or an endpoint that may be a Redis Cluster. */
  redisUrl: RedisTarget;
  /** Set by apps that announce themselves; the gateway only reads. */
  announce?: RegistryAnnouncement;
  /** How often an instance refreshes its entry (ms). */
  heartbeatMs?: number;
  /** An entry not refreshed for this long expires: the instance is gone (ms). */
  ttlMs?: number;
}

export const { ConfigurableModuleClass: ConfigurableRegistryModule, MODULE_OPTIONS_TOKEN: REGISTRY_OPTIONS } =
  new ConfigurableModuleBuilder<RegistryModuleOptions>().setClassMethodName('forRoot').build();

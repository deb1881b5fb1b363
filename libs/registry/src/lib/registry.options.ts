import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface RegistryAnnouncement {
  service: string;
  instanceId: string;
  version: string;
  /** Port of the instance's health endpoints (and of a service's metrics; the gateway's have their own). */
  healthPort: number;
}

export interface RegistryModuleOptions {
  redisUrl: string;
  /** Set by apps that announce themselves; the gateway only reads. */
  announce?: RegistryAnnouncement;
  /** How often an instance refreshes its entry (ms). */
  heartbeatMs?: number;
  /** An entry not refreshed for this long expires: the instance is gone (ms). */
  ttlMs?: number;
}

export const { ConfigurableModuleClass: ConfigurableRegistryModule, MODULE_OPTIONS_TOKEN: REGISTRY_OPTIONS } =
  new ConfigurableModuleBuilder<RegistryModuleOptions>().setClassMethodName('forRoot').build();

export const RegistryKeys = {
  services: 'registry:services',
  instances: (service: string) => `registry:service:${service}`,
  instance: (service: string, instanceId: string) => `registry:instance:${service}:${instanceId}`,
} as const;

export type InstanceStatus = 'ready' | 'not_ready' | 'shutting_down' | 'gone';

export interface InstanceRecord {
  service: string;
  instanceId: string;
  version: string;
  host: string;
  pid: number;
  healthPort: number;
  patterns: string[];
  events: string[];
  startedAt: string;
  lastHeartbeat: string;
  status: Exclude<InstanceStatus, 'gone'>;
}

export interface InstanceView extends Omit<InstanceRecord, 'status'> {
  status: InstanceStatus;
}

export interface ServiceView {
  name: string;
  instances: InstanceView[];
}

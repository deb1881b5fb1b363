/** What the registry keeps in Redis for each instance, and how readers see it. */
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

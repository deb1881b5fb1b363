import type { InjectionToken } from '@nestjs/common';

export interface ObservabilityModuleOptions {
  /** Service name: a label on every metric and a field on every log line. */
  service: string;
  /** Instance id, a field on every log line. */
  instanceId: string;
  /** Nest log level name (`log`, `debug`, …). */
  level: string;
}

export interface ObservabilityFeatures {
  /** Time and log every handled message (apps that serve message patterns). */
  rpcMetrics: boolean;
}

export interface ObservabilityAsyncOptions {
  inject?: InjectionToken[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own factory typing
  useFactory: (...args: any[]) => ObservabilityModuleOptions;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

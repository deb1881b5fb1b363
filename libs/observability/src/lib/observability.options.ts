import type { InjectionToken } from '@nestjs/common';

export interface ObservabilityModuleOptions {
  /** Service name: a label on every metric and a field on every log line. */
  service: string;
  /** Instance id, a field on every log line. */
  instanceId: string;
  /** Nest log level name (`log`, `debug`, …). */
  level: string;
  /** Where the metrics listener binds, for apps with the `metricsListener` feature. */
  metricsListener?: MetricsListenerOptions;
}

export interface MetricsListenerOptions {
  /** `0` binds a free port. */
  port: number;
  host: string;
}

export interface ObservabilityFeatures {
  /** Time and log every handled message (apps that serve message patterns). */
  rpcMetrics: boolean;
  /**
   * Serve /metrics on a listener of its own (`metricsListener` of the options) instead of on the
   * app's HTTP server: for an app whose HTTP port is public (the gateway).
   */
  metricsListener?: boolean;
}

export interface ObservabilityAsyncOptions {
  inject?: InjectionToken[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own factory typing
  useFactory: (...args: any[]) => ObservabilityModuleOptions;
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

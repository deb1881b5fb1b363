import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface HealthModuleOptions {
  /** When set, readiness pings this Redis. */
  redisUrl?: string;
  /** When true, readiness pings the app's default mongoose connection. */
  mongoose?: boolean;
  /** Timeout of each readiness check (ms). */
  checkTimeoutMs?: number;
}

export const { ConfigurableModuleClass: ConfigurableHealthModule, MODULE_OPTIONS_TOKEN: HEALTH_OPTIONS } =
  new ConfigurableModuleBuilder<HealthModuleOptions>().setClassMethodName('forRoot').build();

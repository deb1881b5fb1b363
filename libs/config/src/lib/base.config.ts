import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * Variables every app reads. Apps extend this class with their own; property initialisers are
 * the defaults, and a property without one is required.
 *
 * Note: every property must be assigned (even to `undefined`) so `validateConfig` can see it.
 */
export class BaseConfig {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'log';

  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL: string = undefined as unknown as string;

  /** Default time a caller waits for a reply before giving up (ms). */
  @IsInt()
  @Min(50)
  @Max(120_000)
  RPC_DEADLINE_MS: number = 5000;

  @IsString()
  INSTANCE_ID: string = `${process.pid}`;
}

/** Variables of a microservice that owns a MongoDB database and exposes a health port. */
export class ServiceConfig extends BaseConfig {
  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, { message: 'MONGODB_URI must be a mongodb:// URL' })
  MONGODB_URI: string = undefined as unknown as string;

  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT: number = 0;

  @IsString()
  HEALTH_HOST: string = '0.0.0.0';
}

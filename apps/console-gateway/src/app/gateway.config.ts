import { BaseConfig, EnvBoolean } from '@site11/config';
import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';

export class GatewayConfig extends BaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  /**
   * Largest accepted request body unless a route sets its own (`@BodyLimit`); larger bodies get
   * 413 before they are parsed. Small by default: JSON commands are small, and every byte of a
   * body is parsed and checked on the event loop.
   */
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 64 * 1024;

  /** Comma-separated origins allowed by CORS; empty disables CORS. */
  @Matches(/^(|https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*)$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS: string = '';

  /** Trust X-Forwarded-For (behind a load balancer) for client IPs, e.g. for rate limits. */
  @EnvBoolean()
  @IsBoolean()
  TRUST_PROXY: boolean = false;

  /** Services the gateway calls; its readiness and /health/services ping each. */
  @Matches(/^[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*$/, { message: 'DOWNSTREAM_SERVICES must be a comma-separated list of service names' })
  DOWNSTREAM_SERVICES: string = 'users,oauth';

  /** Window of the auth rate limits (register, login, refresh), seconds. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_WINDOW_SECONDS: number = 60;

  /** Attempts per client IP per window, per auth route. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_IP: number = 30;

  /** Attempts per account (email or refresh token) per window, per auth route. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_ACCOUNT: number = 10;
}

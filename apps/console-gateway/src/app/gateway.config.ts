import { BaseConfig } from '@site11/config';
import {
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

/** Metrics on the public port would be back where they must not be. */
@ValidatorConstraint({ name: 'differsFromPort' })
class DiffersFromPort implements ValidatorConstraintInterface {
  validate(port: number, args: ValidationArguments): boolean {
    return port === 0 || port !== (args.object as GatewayConfig).PORT;
  }

  defaultMessage(): string {
    return 'METRICS_PORT must differ from PORT: metrics are not served on the public port';
  }
}

export class GatewayConfig extends BaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';


  /**
   * Port of the listener that serves Prometheus metrics (`/metrics`) and nothing else; the public
   * port does not serve them. Publish it to the scraper's network only. The default is the port
   * of the OpenTelemetry Prometheus exporter; `0` picks a free port. It cannot be PORT.
   */
  @IsInt()
  @Min(0)
  @Max(65535)
  @Validate(DiffersFromPort)
  METRICS_PORT: number = 9464;

  /** Interface of the metrics listener (`0.0.0.0` so a scraper in another container reaches it). */
  @IsString()
  METRICS_HOST: string = '0.0.0.0';

  /**
   * Largest accepted request body unless a route sets its own (`@BodyLimit`); larger bodies get
   * 413 before they are parsed. Small by default: JSON commands are small, and every byte of a
   * body is parsed and checked on the event loop.
   */
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 64 * 1024;

  /**
   * The console's built files (index.html and hashed assets), served at `/` with a fallback to
   * index.html for its routes; empty serves no console (nginx does, in docker/).
   */
  @IsString()
  CONSOLE_DIR: string = 'dist/apps/console-web';

  /** Comma-separated origins allowed by CORS; empty disables CORS. */
  @Matches(/^(|https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*)$/, {
    message: 'CORS_ORIGINS must be a comma-separated list of http(s) origins',
  })
  CORS_ORIGINS: string = '';

  /**
   * Which proxies in front of the gateway are trusted to report the client address in
   * `X-Forwarded-For`: `false` (none: the peer is the client), the number of proxy hops (`1` for
   * one load balancer), or their addresses and CIDRs (`10.0.0.0/8,192.168.1.5`). `true` is
   * refused: it would let every client choose its own address and so its rate-limit budget.
   */
  @Matches(/^(false|0|[1-9]\d?|[0-9a-fA-F.:]+(\/\d{1,3})?(,[0-9a-fA-F.:]+(\/\d{1,3})?)*)$/, {
    message: 'TRUST_PROXY must be false, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs (true would let clients choose their address)',
  })
  TRUST_PROXY: string = 'false';

  /** Fastify's `trustProxy` for TRUST_PROXY. */
  get trustProxy(): false | number | string {
    if (this.TRUST_PROXY === 'false' || this.TRUST_PROXY === '0') return false;
    return /^\d+$/.test(this.TRUST_PROXY) ? Number(this.TRUST_PROXY) : this.TRUST_PROXY;
  }

  /** Services the gateway calls; its readiness and /health/services ping each. */
  @Matches(/^[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*$/, { message: 'DOWNSTREAM_SERVICES must be a comma-separated list of service names' })
  DOWNSTREAM_SERVICES: string = 'users,oauth,applications,images,data,statistics,audit';

  /**
   * Where the images service's own HTTP listener is (its health port): upload and content
   * bytes are streamed there instead of through Redis. With several replicas, a load-balanced
   * address (a Kubernetes Service). See docs/images.md.
   */
  @Matches(/^https?:\/\/[^\s/]+$/, { message: 'IMAGES_URL must be an http(s) origin, e.g. http://images:3104' })
  IMAGES_URL: string = 'http://127.0.0.1:3104';

  /**
   * How long an upload may take from its first byte to the service's answer, ms: unlike a
   * message, its length depends on the client's bandwidth. Content answers within RPC_DEADLINE_MS.
   */
  @IsInt()
  @Min(1000)
  IMAGES_UPLOAD_DEADLINE_MS: number = 60_000;

  /**
   * Where the data service's own HTTP listener is (its health port): imports, exports and
   * rejected rows are streamed there instead of through Redis. See docs/data.md.
   */
  @Matches(/^https?:\/\/[^\s/]+$/, { message: 'DATA_URL must be an http(s) origin, e.g. http://data:3105' })
  DATA_URL: string = 'http://127.0.0.1:3105';

  /** How long an import upload may take from its first byte to the service's 202, ms (200 MiB on a slow link). */
  @IsInt()
  @Min(1000)
  DATA_UPLOAD_DEADLINE_MS: number = 10 * 60_000;

  /**
   * Deadline of the data routes that read a whole version (rows with a filter or sort, aggregates,
   * previews, the start of an export), ms: on the embedded FerretDB every such query scans the
   * version (docs/data.md), seconds at 100,000 rows.
   */
  @IsInt()
  @Min(1000)
  DATA_QUERY_DEADLINE_MS: number = 30_000;

  /** How long applying a transformation may take, ms (the data service's DATA_TRANSFORM_BUDGET_MS, plus a margin). */
  @IsInt()
  @Min(1000)
  DATA_TRANSFORM_DEADLINE_MS: number = 6 * 60_000;

  /**
   * Deadline of each section of `GET /api/v1/dashboard`, ms: the longest the dashboard waits for
   * any one of them, and the deadline of its service calls (the service drops what arrives
   * later). A section that misses it comes back as `UPSTREAM_TIMEOUT`; see docs/dashboard.md.
   */
  @IsInt()
  @Min(50)
  @Max(30_000)
  DASHBOARD_SECTION_TIMEOUT_MS: number = 1500;

  /** Window of the auth rate limits (register, login, refresh), seconds. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_WINDOW_SECONDS: number = 60;

  /** Attempts per client IP per window, per auth route. */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_IP: number = 30;

  /**
   * Failed attempts on one account from one client address per window, per auth route. Each
   * lockout of the same address on the same account within a day lasts twice as long as the last.
   */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_ACCOUNT: number = 10;

  /**
   * Failed attempts on one account from all addresses together per window: high enough that one
   * attacking address cannot lock the owner out, low enough to slow a distributed guess.
   */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_ACCOUNT_GLOBAL: number = 100;

  /**
   * How long a cached read (e.g. `GET /api/v1/users/:id`) may live if no invalidation reaches it
   * (s): a safety net, since writes and the owning service's events invalidate entries at once.
   * 0 turns the read cache off.
   */
  @IsInt()
  @Min(0)
  @Max(86_400)
  CACHE_TTL_SECONDS: number = 60;
}

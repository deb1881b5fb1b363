import { hostname } from 'node:os';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  type ValidationArguments,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

/**
 * What a Redis Cluster cannot do: the apps' `TRANSPORT=redis` (Nest's pub/sub client knows one
 * node only), and a database other than 0 in REDIS_URL (a cluster has only database 0).
 */
@ValidatorConstraint({ name: 'clusterCompatible' })
class ClusterCompatible implements ValidatorConstraintInterface {
  private problem(config: BaseConfig): string | null {
    if (config.TRANSPORT === 'redis') return 'TRANSPORT=redis cannot use a Redis Cluster: use TRANSPORT=streams';
    const db = /^rediss?:\/\/[^/]*\/([^?#]*)/.exec(config.REDIS_URL ?? '')?.[1] ?? '';
    if (db !== '' && db !== '0') return 'a Redis Cluster has database 0 only: REDIS_URL must name no other database';
    return null;
  }

  validate(nodes: string, args: ValidationArguments): boolean {
    return nodes === '' || this.problem(args.object as BaseConfig) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return this.problem(args.object as BaseConfig) ?? 'not usable with this configuration';
  }
}

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

  /**
   * Redis Cluster: `host:port` of some of its nodes, comma-separated (any node will do; the rest
   * of the cluster is discovered from them). When set, every Redis connection of the app is a
   * cluster client, and REDIS_URL only gives the user, password and TLS (`rediss:`) of every node
   * (its host and port are not used). Empty (the default): the single node of REDIS_URL.
   */
  @Matches(/^$|^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, { message: 'REDIS_CLUSTER_NODES must be a comma-separated list of host:port' })
  @Validate(ClusterCompatible)
  REDIS_CLUSTER_NODES: string = '';

  /** Default time a caller waits for a reply before giving up (ms). */
  @IsInt()
  @Min(50)
  @Max(120_000)
  RPC_DEADLINE_MS: number = 5000;

  @IsString()
  INSTANCE_ID: string = `${hostname()}-${process.pid}`;

  /** Message transport: `streams` (Redis Streams, default) or `redis` (Nest's pub/sub, for comparison). */
  @IsIn(['streams', 'redis'])
  TRANSPORT: 'streams' | 'redis' = 'streams';

  /** Streams: requests one instance works on at once. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  STREAMS_MAX_IN_FLIGHT: number = 64;

  /**
   * Streams: work nobody renewed for this long belongs to a dead instance and is taken over (ms).
   * Live owners renew every third of it. Keep it well under RPC_DEADLINE_MS, so a request
   * reclaimed from a killed instance is still answered within its deadline.
   */
  @IsInt()
  @Min(100)
  STREAMS_RECLAIM_IDLE_MS: number = 2_000;

  /** Streams: deliveries after which a message goes to the dead-letter stream. */
  @IsInt()
  @Min(1)
  @Max(100)
  STREAMS_MAX_DELIVERIES: number = 5;

  /**
   * Streams: longest wait before a failed event is delivered again (ms). The first retry comes after
   * STREAMS_RECLAIM_IDLE_MS, and the wait doubles with each failure up to this.
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  STREAMS_RETRY_MAX_DELAY_MS: number = 60_000;

  /**
   * Streams: how long event streams keep their entries (ms, default 7 days), by the time they were
   * appended. Consumers catch up or replay within it; statistics keeps older counts in its buckets.
   */
  @IsInt()
  @Min(60_000)
  EVENT_RETENTION_MS: number = 7 * 24 * 3_600_000;

  /** Streams: memory guard, each event stream is trimmed to about this many entries. */
  @IsInt()
  @Min(1_000)
  EVENT_STREAM_MAX_LEN: number = 1_000_000;

  /** Consecutive outages (unavailable or timed out) of a service that open its circuit. */
  @IsInt()
  @Min(1)
  BREAKER_FAILURES: number = 5;

  /** Time an open circuit waits before letting one probe call through (ms). */
  @IsInt()
  @Min(100)
  BREAKER_HALF_OPEN_AFTER_MS: number = 5000;

  /** A registry entry not refreshed for this long expires: the instance is gone (ms). */
  @IsInt()
  @Min(1000)
  REGISTRY_TTL_MS: number = 10_000;

  /** On SIGTERM, time between readiness turning 503 and the listener closing (ms). */
  @IsInt()
  @Min(0)
  SHUTDOWN_DELAY_MS: number = 0;

  /** Version reported in the service registry. */
  @IsString()
  APP_VERSION: string = '0.1.0';

  /** Time a stopping instance has to finish in-flight work (ms). */
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10_000;

  /** `iss` of access tokens: set by the oauth service, required by the gateway. */
  @IsString()
  @Length(1, 200)
  JWT_ISSUER: string = 'site11';

  /** `aud` of access tokens. */
  @IsString()
  @Length(1, 200)
  JWT_AUDIENCE: string = 'site11-api';

  /**
   * The platform's address as browsers and third-party applications reach it (the gateway, or the
   * proxy in front of it): the OpenID Connect issuer, and the base of every endpoint it
   * advertises. No trailing slash.
   */
  @Matches(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*[^/?#\s])?$/, { message: 'PUBLIC_URL must be an http(s) URL without a trailing slash, query or fragment' })
  PUBLIC_URL: string = 'http://localhost:3000';
}

/** Variables of a microservice that owns a MongoDB database and exposes a health port. */
export class ServiceConfig extends BaseConfig {
  @Matches(/^mongodb(\+srv)?:\/\/[^\s]+$/, { message: 'MONGODB_URI must be a mongodb:// URL' })
  MONGODB_URI: string = undefined as unknown as string;

  /**
   * How long an operation waits for a reachable database before failing (ms). Below the
   * gateway's deadline, so a database outage answers 503 SERVICE_UNAVAILABLE, not 504.
   */
  @IsInt()
  @Min(100)
  @Max(30000)
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: number = 2000;

  /**
   * Database migrations at start (docs/migrations.md): `auto` applies the pending ones before the
   * service is built (one runner at a time, under a lock), then serves; `only` applies them and
   * exits, 0 or non-zero on a failure (a deploy's migration Job); `off` applies none and warns
   * when some are pending (replicas whose Job applied them).
   */
  @IsIn(['auto', 'only', 'off'])
  MIGRATE: 'auto' | 'only' | 'off' = 'auto';

  @IsInt()
  @Min(0)
  @Max(65535)
  HEALTH_PORT: number = 0;

  @IsString()
  HEALTH_HOST: string = '0.0.0.0';

  /** How often the outbox relay tries again, by id, the events it failed to publish (ms). */
  @IsInt()
  @Min(500)
  OUTBOX_SWEEP_MS: number = 5000;

  /**
   * How often the outbox relay looks through its collections for events a crashed replica left
   * unpublished (ms; also at every start). FerretDB answers that query with a collection scan.
   */
  @IsInt()
  @Min(1000)
  OUTBOX_SCAN_MS: number = 300_000;

  /**
   * Test fault hook (NODE_ENV=test only): comma-separated event patterns before whose publication
   * the service kills itself, to prove the outbox loses nothing.
   */
  @IsString()
  FAULT_KILL_BEFORE_PUBLISH: string = '';
}

/** 32 bytes in base64 (44 characters with padding) or base64url (43 without). */
const KEK_FORMAT = /^[A-Za-z0-9+/_-]{43}=?$/;
const KEK_MESSAGE = 'KEY_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32); required when NODE_ENV=production';

/**
 * A service that seals secrets at rest (AES-256-GCM, `SecretKeyring` of libs/persistence): oauth
 * its private signing keys, users its TOTP secrets. Each service has a key of its own.
 */
export class SealingServiceConfig extends ServiceConfig {
  /**
   * 32 random bytes in base64 (`openssl rand -base64 32`), from a secret store, never from the
   * repository. Required in production; elsewhere a missing key leaves secrets unsealed, with a
   * warning.
   */
  @ValidateIf((config: SealingServiceConfig) => config.NODE_ENV === 'production' || config.KEY_ENCRYPTION_KEY !== undefined)
  @Matches(KEK_FORMAT, { message: KEK_MESSAGE })
  KEY_ENCRYPTION_KEY?: string = undefined;

  /** Earlier key-encryption keys, comma-separated: they still open what they sealed. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/_-]{43}=?(,[A-Za-z0-9+/_-]{43}=?)*$/, { message: 'KEY_ENCRYPTION_KEYS_PREVIOUS must be base64 keys of 32 bytes, comma-separated' })
  KEY_ENCRYPTION_KEYS_PREVIOUS?: string = undefined;
}

/**
 * Reads `true`/`false`/`1`/`0` from the environment. Implicit conversion alone would turn the
 * string "false" into `true`; anything else is left as a string so validation names it.
 */
export const EnvBoolean = () =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw = obj[key];
    if (typeof raw !== 'string') return raw;
    if (/^(true|1)$/i.test(raw)) return true;
    if (/^(false|0)$/i.test(raw)) return false;
    return raw;
  });

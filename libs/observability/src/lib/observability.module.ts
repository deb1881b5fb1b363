import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule, type Params } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { MetricsListener } from './metrics-listener';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import {
  type ObservabilityAsyncOptions,
  type ObservabilityFeatures,
  OBSERVABILITY_OPTIONS,
  type ObservabilityModuleOptions,
} from './observability.options';
import { RpcMetricsInterceptor } from './rpc-metrics.interceptor';

const PINO_LEVELS: Record<string, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** Whatever carries secrets never reaches a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.credential',
];

const QUIET_PATHS = /^\/(health|metrics)(\/|$)/;
/** The probes of libs/health and the gateway's aggregate one. */
const PROBE_ROUTES = ['health/live', 'health/ready', 'health/services'];
/** Where metrics have a listener of their own, /metrics on the app's port is an unknown route, logged as such. */
const QUIET_HEALTH_PATHS = /^\/health(\/|$)/;

/** pino-http settings for an app. */
export function pinoParams(options: ObservabilityModuleOptions): Params {
  const quiet = options.metricsListener ? QUIET_HEALTH_PATHS : QUIET_PATHS;
  return {
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    // probes log nothing, so they skip the request logger altogether: no child logger, no
    // response listener (15 % of the gateway's CPU on /health/live, docs/performance.md). Exact
    // GET routes: a pattern like `health/{*path}` would also silence `/api/v1/health…`, which is
    // a 404 worth its log line where a global prefix applies. `customLogLevel` below keeps
    // anything else under /health silent too.
    exclude: [
      ...PROBE_ROUTES.map((path) => ({ path, method: RequestMethod.GET })),
      ...(options.metricsListener ? [] : [{ path: 'metrics', method: RequestMethod.GET }]),
    ],
    pinoHttp: {
      level: PINO_LEVELS[options.level] ?? 'info',
      base: { service: options.service, instance: options.instanceId },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // the gateway's request id (Fastify's genReqId sets it on the raw request too)
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      // every line of a request, the access log included, carries `requestId`
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      customLogLevel: (req: IncomingMessage, res: { statusCode: number }, error?: Error) => {
        if (quiet.test(req.url ?? '')) return 'silent';
        return error || res.statusCode >= 500 ? 'error' : 'info';
      },
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}

/**
 * Structured JSON logs (pino) with service, instance and request id on every line, HTTP access
 * logs without probe noise, and Prometheus metrics at /metrics: on the app's HTTP server, or with
 * the `metricsListener` feature on a listener of their own. One import per app.
 */
@Module({})
export class ObservabilityModule {
  static forRootAsync(options: ObservabilityAsyncOptions, features: ObservabilityFeatures = { rpcMetrics: true }): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [
        LoggerModule.forRootAsync({
          inject: options.inject,
          useFactory: (...args: unknown[]) => pinoParams(options.useFactory(...args)),
        }),
      ],
      controllers: features.metricsListener ? [] : [MetricsController],
      providers: [
        { provide: OBSERVABILITY_OPTIONS, inject: options.inject, useFactory: options.useFactory },
        MetricsService,
        // only where messages are handled: every global interceptor costs each HTTP request too
        ...(features.rpcMetrics ? [{ provide: APP_INTERCEPTOR, useClass: RpcMetricsInterceptor }] : []),
        ...(features.metricsListener ? [MetricsListener] : []),
      ],
      exports: [MetricsService, ...(features.metricsListener ? [MetricsListener] : [])],
    };
  }
}

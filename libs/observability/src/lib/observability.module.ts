import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule, type Params } from 'nestjs-pino';
import { AccessLog } from './access-log';
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

/**
 * nestjs-pino settings for an app: the logger (pino-http's options build it), and no request
 * middleware: the access log is a Fastify hook (`AccessLog`), which costs a request a fraction of
 * what the middleware did (docs/performance.md).
 */
export function pinoParams(options: ObservabilityModuleOptions): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level: PINO_LEVELS[options.level] ?? 'info',
      base: { service: options.service, instance: options.instanceId },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // the access log writes `req` and `res` as the plain objects they are: pino-http's wrapped
      // serializers expect Node's request and response (and wrote `statusCode: null` for these)
      wrapSerializers: false,
    },
  };
}

/**
 * Structured JSON logs (pino) with service and instance on every line, HTTP access logs with the
 * request id and without probe noise, and Prometheus metrics at /metrics: on the app's HTTP server, or with
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
        AccessLog,
        // only where messages are handled: every global interceptor costs each HTTP request too
        ...(features.rpcMetrics ? [{ provide: APP_INTERCEPTOR, useClass: RpcMetricsInterceptor }] : []),
        ...(features.metricsListener ? [MetricsListener] : []),
      ],
      exports: [MetricsService, ...(features.metricsListener ? [MetricsListener] : [])],
    };
  }
}

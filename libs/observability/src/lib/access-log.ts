import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { OBSERVABILITY_OPTIONS, type ObservabilityModuleOptions } from './observability.options';

/** Probes and metrics answer often and say nothing a log line would add. */
const QUIET_PATHS = /^\/(health|metrics)(\/|$)/;
/** Where metrics have a listener of their own, /metrics on the app's port is an unknown route, logged as such. */
const QUIET_HEALTH_PATHS = /^\/health(\/|$)/;

/** The paths an app's access log leaves out. */
export function quietPathsOf(options: Pick<ObservabilityModuleOptions, 'metricsListener'>): RegExp {
  return options.metricsListener ? QUIET_HEALTH_PATHS : QUIET_PATHS;
}

/**
 * One JSON line per HTTP request once its response is sent, `request completed` (or
 * `request errored`, at error level, for a 5xx), with the fields pino-http wrote: `requestId`,
 * `req: { method, url }`, `res: { statusCode }` and `responseTime` (ms); `request aborted`, at
 * warn level, for a request whose client went away before its answer (Fastify then runs no
 * `onResponse`).
 *
 * A Fastify `onResponse` hook, where pino-http ran as a Nest middleware: through middie, with a
 * child logger and a response listener per request, and nestjs-pino's AsyncLocalStorage around
 * the rest of the request, which on Node 20 turns on promise hooks for every promise of the
 * process. Together about a tenth of the gateway's CPU on a routed read (docs/performance.md).
 * Lines written while a request is handled are not tied to it by context: those that matter (an
 * unhandled error, a transport failure, a failed dashboard section, an unrecorded admin read)
 * carry its `requestId` as a field themselves (docs/operations.md, "Logs").
 */
export function logRequests(fastify: FastifyInstance, logger: () => Logger, quiet: RegExp): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const url = request.raw.url ?? request.url;
    if (!quiet.test(url)) {
      const statusCode = reply.statusCode;
      const line = { requestId: request.id, req: { method: request.method, url }, res: { statusCode }, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
      if (statusCode >= 500) logger().error(line, 'request errored');
      else logger().info(line, 'request completed');
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const url = request.raw.url ?? request.url;
    if (!quiet.test(url)) logger().warn({ requestId: request.id, req: { method: request.method, url } }, 'request aborted');
    done();
  });
}

/**
 * Puts the access log on the app's Fastify instance when the app is created (before its routes
 * are registered), with the logger nestjs-pino builds from the module's settings.
 */
@Injectable()
export class AccessLog {
  constructor(host: HttpAdapterHost, @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityModuleOptions) {
    const adapter = host.httpAdapter;
    if (adapter?.getType() !== 'fastify') return;
    logRequests(adapter.getInstance<FastifyInstance>(), () => PinoLogger.root, quietPathsOf(options));
  }
}

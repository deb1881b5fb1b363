import type { FastifyInstance } from 'fastify';
import type { MetricsService } from './metrics.service';

/**
 * Records every HTTP response in `http_request_duration_seconds`, labelled with the route
 * template (not the raw URL, so ids do not explode the label set) and the final status, as the
 * client saw it after error mapping.
 */
export function instrumentFastify(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

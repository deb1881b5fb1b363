import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, register } from 'prom-client';
import { OBSERVABILITY_OPTIONS, type ObservabilityModuleOptions } from './observability.options';

/** Buckets for request latencies, from 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A registry that also serves the metrics on prom-client's default registry, with its own default
 * labels: libs whose objects Nest does not create, and so cannot be handed this service (the
 * streams transport's servers, libs/messaging), register theirs there. Read at every scrape, so a
 * metric registered after the app started is served too; one of the app's own wins over a namesake.
 */
class AppRegistry extends Registry {
  override getMetricsAsArray(): ReturnType<Registry['getMetricsAsArray']> {
    const own = super.getMetricsAsArray();
    const names = new Set(own.map((metric) => metric.name));
    return [...own, ...register.getMetricsAsArray().filter((metric) => !names.has(metric.name))];
  }
}

/**
 * The app's Prometheus registry: Node's default metrics (event-loop lag, heap, RSS, GC, handles)
 * plus the platform's own and those of the streams transport, all labelled with the service name.
 */
@Injectable()
export class MetricsService {
  readonly registry: Registry = new AppRegistry();

  /** Gateway: HTTP requests by method, route template and status. */
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  /** Services: message handling by pattern and outcome (`ok` or the error code). */
  readonly rpcDuration = new Histogram({
    name: 'rpc_handling_duration_seconds',
    help: 'Message handling duration by pattern and outcome',
    labelNames: ['pattern', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(@Inject(OBSERVABILITY_OPTIONS) options: ObservabilityModuleOptions) {
    this.registry.setDefaultLabels({ service: options.service });
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** A counter the app increments. */
  counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge whose value is read when Prometheus scrapes. */
  gauge<L extends string>(name: string, help: string, labelNames: L[], collect: (gauge: Gauge<L>) => void): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        collect(this);
      },
    });
  }
}

export { instrumentFastify } from './lib/fastify-metrics';
export { MetricsListener } from './lib/metrics-listener';
export { MetricsService } from './lib/metrics.service';
export { ObservabilityModule } from './lib/observability.module';
export { type MetricsListenerOptions, type ObservabilityModuleOptions } from './lib/observability.options';
export { Logger as StructuredLogger } from 'nestjs-pino';

export * from './lib/fastify-metrics';
export * from './lib/metrics-listener';
export * from './lib/metrics.service';
export * from './lib/observability.module';
export * from './lib/observability.options';
export * from './lib/rpc-metrics.interceptor';
export { Logger as StructuredLogger, PinoLogger } from 'nestjs-pino';

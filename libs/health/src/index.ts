export { HealthModule } from './lib/health.module';
export { type HealthModuleOptions } from './lib/health.options';
export { ReadinessService } from './lib/readiness.service';

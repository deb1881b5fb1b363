export { BaseConfig, EnvBoolean, SealingServiceConfig, ServiceConfig } from './lib/base.config';
export { AppConfigModule } from './lib/config.module';
export { loadConfig } from './lib/validate-config';

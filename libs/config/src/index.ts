export * from './lib/base.config';
export * from './lib/config.module';
export * from './lib/validate-config';

export * from './lib/registry.module';
export * from './lib/registry.options';
export * from './lib/registry.reader';

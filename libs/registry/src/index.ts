export { RegistryModule } from './lib/registry.module';
export { type RegistryAnnouncement, type RegistryModuleOptions } from './lib/registry.options';
export { type InstanceStatus, type InstanceView, type ServiceView } from './lib/registry.records';
export { RegistryReader } from './lib/registry.reader';

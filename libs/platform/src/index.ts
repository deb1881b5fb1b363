export { bootstrapService, type BootstrapServiceOptions } from './lib/bootstrap-service';
export { type EventHandlerFn, type EventSubscription, subscribeToEvents } from './lib/event-subscriber';
export { exitGracefullyOn } from './lib/graceful-shutdown';
export { pingCheck, PlatformModule, type PlatformAppOptions } from './lib/platform.module';
export { dispositionHeader, forwardedRequestId, sendWireError, WIRE_ERROR_HEADER } from './lib/wire-http';

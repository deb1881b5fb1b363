export { forbidden, invalidToken, tokenExpired, tokenRevoked, unauthenticated } from './lib/auth.errors';
export { AUTH_OPTIONS, type AuthModuleOptions, ConfigurableAuthModule } from './lib/auth.options';
export { JwksStore } from './lib/jwks.store';
export { TokenDenylist } from './lib/token-denylist';
export * from './lib/rpc';

export type { AuthUser } from './lib/auth-user';
export { CurrentUser, Public, Roles, Scopes } from './lib/decorators';
export { GatewayAuthModule } from './lib/gateway-auth.module';
export { JwtAuthGuard } from './lib/guards';

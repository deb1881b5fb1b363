import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ConfigurableAuthModule, JwksStore, TokenDenylist } from '@site11/auth';
import { JwtAuthGuard, RolesGuard, ScopesGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';

/**
 * Authentication for the gateway's HTTP routes: the JWT strategy and, as global guards, `JwtAuthGuard`
 * (everything needs a token unless `@Public()`), `ScopesGuard` (third-party applications' tokens
 * only on `@Scopes()` routes, with those scopes), then `RolesGuard` (`@Roles()`).
 * Needs `RedisClientModule` (the denylist) in the app.
 */
@Global()
@Module({
  imports: [PassportModule],
  providers: [
    JwksStore,
    TokenDenylist,
    JwtStrategy,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    // an application's token is judged by its scopes first: "this route takes no application" says more than "not an admin"
    { provide: APP_GUARD, useClass: ScopesGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [JwksStore, TokenDenylist],
})
export class GatewayAuthModule extends ConfigurableAuthModule {}

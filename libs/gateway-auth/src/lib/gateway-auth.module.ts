import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ConfigurableAuthModule, JwksStore, TokenDenylist } from '@site11/auth';
import { JwtAuthGuard, RolesGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';

/**
 * Authentication for the gateway's HTTP routes: the JWT strategy and, as global guards, `JwtAuthGuard`
 * (everything needs a token unless `@Public()`) then `RolesGuard` (`@Roles()`).
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
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [JwksStore, TokenDenylist],
})
export class GatewayAuthModule extends ConfigurableAuthModule {}

import { type ExecutionContext, Injectable, type CanActivate } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthErrors, CommonErrors, DomainError, ErrorKind, PUBLIC_ROUTE, type UserRole } from '@site11/contracts';
import { forbidden, invalidToken, tokenExpired, unauthenticated } from '@site11/auth';
import type { AuthUser } from './auth-user';
import { ROLES_KEY, SCOPES_KEY } from './decorators';

/** Every route needs a valid access token unless it is marked `@Public()`. */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<TUser = AuthUser>(error: unknown, user: TUser | false, info: unknown): TUser {
    if (error instanceof DomainError) throw error;
    if (error) {
      // Redis (denylist) or the JWKS source failing is an outage, not a bad token.
      throw new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'Authentication is unavailable');
    }
    if (user) return user;
    if (info instanceof DomainError) throw info;
    const name = (info as { name?: string } | undefined)?.name;
    const message = (info as { message?: string } | undefined)?.message ?? '';
    if (name === 'TokenExpiredError') throw tokenExpired();
    if (!name || message === 'No auth token') throw unauthenticated();
    throw invalidToken();
  }
}

/** Routes marked `@Roles(...)` need one of those roles. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!roles || roles.length === 0) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (user && roles.some((role) => user.roles.includes(role))) return true;
    // the user has the role, but the token withholds it until the session signs in with a second factor
    if (user && roles.some((role) => user.withheldRoles?.includes(role))) {
      throw new DomainError(
        AuthErrors.mfaRequired,
        ErrorKind.PermissionDenied,
        'Admin routes need two-factor authentication: turn it on under My account, then sign in again with a code',
      );
    }
    throw forbidden(`This requires the role ${roles.join(' or ')}`);
  }
}

/**
 * Third-party applications (OAuth access tokens) reach only routes marked `@Scopes(...)`, and
 * only with every scope the route names: 403 `AUTH.INSUFFICIENT_SCOPE` otherwise.
 */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user?.clientId) return true;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, [context.getHandler(), context.getClass()]);
    if (!required || required.length === 0) {
      throw new DomainError(AuthErrors.insufficientScope, ErrorKind.PermissionDenied, 'Applications cannot call this route', { required: [] });
    }
    const missing = required.filter((scope) => !(user.scopes ?? []).includes(scope));
    if (missing.length > 0) {
      throw new DomainError(AuthErrors.insufficientScope, ErrorKind.PermissionDenied, `This needs the scope ${missing.join(' ')}`, { required });
    }
    return true;
  }
}

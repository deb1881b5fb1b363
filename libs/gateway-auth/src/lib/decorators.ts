import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { PUBLIC_OPERATION, PUBLIC_ROUTE, type Scope, type UserRole } from '@site11/contracts';
import type { AuthUser } from './auth-user';

export const ROLES_KEY = 'site11:roles';
export const SCOPES_KEY = 'site11:scopes';

/** The route needs no access token (and its OpenAPI operation says so: `security: []`). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(PUBLIC_OPERATION, true));

/** The caller needs at least one of these roles. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES_KEY, roles);

/**
 * A third-party application's access token may call this route if it carries these scopes
 * (all of them); a route without `@Scopes` is for first-party tokens only. First-party (console)
 * tokens are not limited by scopes.
 */
export const Scopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);

/** The authenticated user of the request. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthUser => ctx.switchToHttp().getRequest<{ user: AuthUser }>().user,
);

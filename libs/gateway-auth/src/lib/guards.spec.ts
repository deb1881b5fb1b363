import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, PUBLIC_ROUTE } from '@site11/contracts';
import { ROLES_KEY, SCOPES_KEY } from './decorators';
import { JwtAuthGuard, RolesGuard, ScopesGuard } from './guards';

function httpContext(user?: unknown, metadata: Record<string, unknown> = {}) {
  const handler = () => undefined;
  for (const [key, value] of Object.entries(metadata)) Reflect.defineMetadata(key, value, handler);
  return {
    getHandler: () => handler,
    getClass: () => class {},
    switchToHttp: () => ({ getRequest: () => ({ user }) }),
  } as unknown as ExecutionContext;
}

describe('JwtAuthGuard', () => {
  const guard = new JwtAuthGuard(new Reflector());
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as DomainError).code;
    }
    return 'no error';
  };

  it('lets public routes through without a token', () => {
    expect(guard.canActivate(httpContext(undefined, { [PUBLIC_ROUTE]: true }))).toBe(true);
  });

  it.each([
    ['no token', new Error('No auth token'), 'AUTH.UNAUTHENTICATED'],
    ['an expired token', Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' }), 'AUTH.TOKEN_EXPIRED'],
    ['a bad signature', Object.assign(new Error('invalid signature'), { name: 'JsonWebTokenError' }), 'AUTH.INVALID_TOKEN'],
    ['a wrong audience', Object.assign(new Error('jwt audience invalid'), { name: 'JsonWebTokenError' }), 'AUTH.INVALID_TOKEN'],
  ])('answers %s with %s', (_case, info, code) => {
    expect(codeOf(() => guard.handleRequest(null, false, info))).toBe(code);
  });

  it('treats a failing dependency as an outage, not as a bad token', () => {
    expect(codeOf(() => guard.handleRequest(new Error('ECONNREFUSED'), false, undefined))).toBe('SERVICE_UNAVAILABLE');
  });

  it('returns the user of a valid token', () => {
    const user = { sub: 'u', roles: ['user'] };
    expect(guard.handleRequest(null, user, undefined)).toBe(user);
  });
});

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());

  it('allows routes without @Roles to any authenticated user', () => {
    expect(guard.canActivate(httpContext({ roles: ['user'] }))).toBe(true);
  });

  it('allows a user with one of the roles', () => {
    expect(guard.canActivate(httpContext({ roles: ['user', 'admin'] }, { [ROLES_KEY]: ['admin'] }))).toBe(true);
  });

  it('refuses a user without them with 403 AUTH.FORBIDDEN', () => {
    expect(() => guard.canActivate(httpContext({ roles: ['user'] }, { [ROLES_KEY]: ['admin'] }))).toThrow(
      expect.objectContaining({ code: 'AUTH.FORBIDDEN', kind: 'PERMISSION_DENIED' }),
    );
  });

  describe('with MFA_REQUIRED_FOR_ADMINS (the token withholds the admin role)', () => {
    const adminRoute = { [ROLES_KEY]: ['admin'] };

    it('refuses an admin whose token withholds the role with 403 AUTH.MFA_REQUIRED', () => {
      expect(() => guard.canActivate(httpContext({ roles: ['user'], withheldRoles: ['admin'], amr: ['pwd'] }, adminRoute))).toThrow(
        expect.objectContaining({ code: 'AUTH.MFA_REQUIRED', kind: 'PERMISSION_DENIED' }),
      );
    });

    it('lets an admin through whose session signed in with a second factor', () => {
      expect(guard.canActivate(httpContext({ roles: ['user', 'admin'], amr: ['pwd', 'otp'] }, adminRoute))).toBe(true);
    });

    it('leaves routes that need no admin to any signed-in user', () => {
      expect(guard.canActivate(httpContext({ roles: ['user'], withheldRoles: ['admin'], amr: ['pwd'] }))).toBe(true);
    });
  });
});

describe('ScopesGuard', () => {
  const guard = new ScopesGuard(new Reflector());
  const application = { sub: 'u', roles: ['user'], clientId: 'client-1', scopes: ['openid', 'users:read'] };

  it('leaves first-party tokens to the other guards, with or without @Scopes', () => {
    expect(guard.canActivate(httpContext({ roles: ['user'] }))).toBe(true);
    expect(guard.canActivate(httpContext({ roles: ['user'] }, { [SCOPES_KEY]: ['users:read'] }))).toBe(true);
  });

  it('lets an application through a route whose scopes it holds', () => {
    expect(guard.canActivate(httpContext(application, { [SCOPES_KEY]: ['users:read'] }))).toBe(true);
  });

  it.each([
    ['a route without @Scopes', {}],
    ['a scope it lacks', { [SCOPES_KEY]: ['applications:write'] }],
  ])('refuses an application on %s with 403 AUTH.INSUFFICIENT_SCOPE', (_case, metadata) => {
    expect(() => guard.canActivate(httpContext(application, metadata))).toThrow(
      expect.objectContaining({ code: 'AUTH.INSUFFICIENT_SCOPE', kind: 'PERMISSION_DENIED' }),
    );
  });
});

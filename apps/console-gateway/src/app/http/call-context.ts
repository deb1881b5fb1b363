import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '@site11/gateway-auth';
import { CommonErrors, DomainError, ErrorKind, PUBLIC_ROUTE } from '@site11/contracts';
import type { CallOptions } from '@site11/messaging';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const DEADLINE_MS = 'site11:deadline-ms';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const reflector = new Reflector();

/**
 * Every command carries an idempotency key. On an authenticated route it is the client's
 * `Idempotency-Key` when given (the service scopes it to this user and binds it to the request);
 * otherwise, and always on public routes (login, refresh, register: their bodies are
 * credentials and their callers anonymous), a key made up for this one request, which only
 * protects its own redelivery.
 */
function idempotencyFor(ctx: ExecutionContext, request: FastifyRequest): Pick<CallOptions, 'idempotencyKey' | 'idempotencyOrigin'> {
  const isPublic = reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()]);
  const given = request.headers['idempotency-key'];
  if (!isPublic && given !== undefined) {
    if (typeof given !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(given)) {
      throw new DomainError(CommonErrors.validation, ErrorKind.InvalidArgument, 'Idempotency-Key must be 8–128 of A-Z a-z 0-9 . _ : -', [
        { field: 'Idempotency-Key', constraints: { matches: 'Idempotency-Key must be 8–128 of A-Z a-z 0-9 . _ : -' } },
      ]);
    }
    return { idempotencyKey: given, idempotencyOrigin: 'client' };
  }
  return { idempotencyKey: randomUUID(), idempotencyOrigin: 'delivery' };
}

/** Overrides the default deadline of the calls a route makes to services. */
export const Deadline = (ms: number) => SetMetadata(DEADLINE_MS, ms);

/**
 * Request id of a call: the client's `x-request-id` when well-formed, else a fresh UUID. Also set
 * on the raw request, where the access log (pino-http) picks it up.
 */
export function requestIdFor(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
  (req as IncomingMessage & { id?: unknown }).id = id;
  return id;
}

/** The bearer token the JWT guard accepted, forwarded so the service verifies it too. */
function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Injects the `CallOptions` (request id, route deadline, actor) that service calls of this request use. */
export const Call = createParamDecorator((_: unknown, ctx: ExecutionContext): CallOptions => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
  const deadlineMs = reflector.get<number | undefined>(DEADLINE_MS, ctx.getHandler());
  const user = request.user;
  const userAgent = request.headers['user-agent'];
  return {
    requestId: request.id,
    ...(SAFE_METHODS.has(request.method) ? { idempotent: true } : idempotencyFor(ctx, request)),
    ...(deadlineMs ? { deadlineMs } : {}),
    // the service checks the token itself; the actor is only a hint for logs
    ...(user ? { actor: { sub: user.sub, roles: user.roles }, credential: bearerToken(request) } : {}),
    client: { ip: request.ip, ...(userAgent ? { userAgent: userAgent.slice(0, 256) } : {}) },
  };
});

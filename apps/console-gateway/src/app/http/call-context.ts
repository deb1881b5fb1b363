import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from '@site11/auth';
import type { CallOptions } from '@site11/messaging';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const DEADLINE_MS = 'site11:deadline-ms';
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every command gets an idempotency key, so a redelivered message returns the first result: the
 * client's `Idempotency-Key` (scoped to the caller, so two users' keys never collide) when given
 * and well-formed, else one per HTTP request.
 */
function idempotencyKeyFor(request: FastifyRequest, user?: AuthUser): string | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const given = request.headers['idempotency-key'];
  if (typeof given === 'string' && IDEMPOTENCY_KEY_PATTERN.test(given)) return `${user?.sub ?? 'anonymous'}:${given}`;
  return `request:${request.id}:${randomUUID()}`;
}
const reflector = new Reflector();

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

/** Injects the `CallOptions` (request id, route deadline, actor) that service calls of this request use. */
export const Call = createParamDecorator((_: unknown, ctx: ExecutionContext): CallOptions => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
  const deadlineMs = reflector.get<number | undefined>(DEADLINE_MS, ctx.getHandler());
  const user = request.user;
  const idempotencyKey = idempotencyKeyFor(request, user);
  return {
    requestId: request.id,
    ...(idempotencyKey ? { idempotencyKey } : { idempotent: true }),
    ...(deadlineMs ? { deadlineMs } : {}),
    ...(user ? { actor: { sub: user.sub, roles: user.roles } } : {}),
  };
});

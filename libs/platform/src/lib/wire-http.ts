import { Logger } from '@nestjs/common';
import { CommonErrors, DomainError, ErrorKind } from '@site11/contracts';
import { databaseUnavailable, isDatabaseUnavailable } from '@site11/persistence';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Header that marks an answer's body as a WireError, which the gateway turns into its own error. */
export const WIRE_ERROR_HEADER = 'x-site11-error';

/**
 * A failure on a service's own HTTP listener (the file routes the gateway streams to), as a
 * WireError: the status is only a hint (the gateway maps the kind). A database outage is
 * SERVICE_UNAVAILABLE; anything unknown is logged and leaks nothing.
 */
export async function sendWireError(reply: FastifyReply, error: unknown, service: string): Promise<void> {
  const known = isDatabaseUnavailable(error) ? databaseUnavailable(service) : error;
  const wire = known instanceof DomainError ? known.toWire() : { code: CommonErrors.internal, kind: ErrorKind.Internal, message: 'Internal error' };
  if (!(known instanceof DomainError)) {
    const requestId = forwardedRequestId(reply.request, reply.request.id);
    new Logger(service).error({ requestId, msg: `${service} file request failed: ${error instanceof Error ? error.stack : String(error)}` });
  }
  const status = wire.kind === ErrorKind.Internal ? 500 : wire.kind === ErrorKind.Unavailable ? 503 : 400;
  if (reply.sent) return;
  await reply.status(status).header(WIRE_ERROR_HEADER, 'wire').header('cache-control', 'no-store').send(wire);
}

/** The request id the gateway forwarded, when it looks like one; `fallback` otherwise. */
export function forwardedRequestId(request: FastifyRequest, fallback: string): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{8,128}$/.test(given) ? given : fallback;
}

/**
 * A Content-Disposition header for a file name of any script (RFC 6266): an ASCII fallback
 * with quotes, backslashes, `%` and `;` replaced, and the exact name as RFC 5987 `filename*`.
 */
export function dispositionHeader(kind: 'inline' | 'attachment', filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

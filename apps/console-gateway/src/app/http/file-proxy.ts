import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CommonErrors, DomainError, ErrorKind } from '@site11/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import { Agent, errors, request as send } from 'undici';

/** Headers of the service's answer that reach the client; the rest (connection, server...) stay here. */
const PASSED_RESPONSE_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'content-disposition',
  'content-security-policy',
  'x-content-type-options',
  'etag',
  'last-modified',
  'cache-control',
  'accept-ranges',
  'location',
  'retry-after',
];

/** Headers of the client's request that the service needs (conditional and range requests). */
const PASSED_REQUEST_HEADERS = ['if-none-match', 'if-modified-since', 'range', 'if-range'];

/** How much of a refused upload is read and thrown away, and for how long, before the connection is cut. */
const LINGER_BYTES = 64 * 1024 * 1024;
const LINGER_MS = 10_000;

/**
 * The rest of an upload the service refused (too large, not an image...): read and discarded,
 * so the client, still sending, can read the answer (an HTTP client that meets a closed socket
 * while writing reports EPIPE, not the 413), up to LINGER_BYTES or LINGER_MS, then the
 * connection is cut, as nginx's lingering close does.
 */
function lingerOn(request: FastifyRequest, body: PassThrough): void {
  const raw = request.raw;
  raw.unpipe(body);
  if (raw.readableEnded) return;
  let discarded = 0;
  const cut = setTimeout(() => raw.socket?.destroy(), LINGER_MS);
  cut.unref();
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) raw.socket?.destroy();
  });
  raw.once('end', () => clearTimeout(cut));
  raw.once('close', () => clearTimeout(cut));
  raw.resume();
}

/** Where a file request goes: a service's own HTTP listener (its origin) and the path there. */
export interface FileTarget {
  /** The service's name, for errors ("The images service is not available"). */
  service: string;
  /** Its origin, e.g. IMAGES_URL. */
  origin: string;
  path: string;
}

/**
 * Streams files between the client and a service's own HTTP listener (images: IMAGES_URL,
 * data: DATA_URL), never holding a body: an upload is piped from the client's socket to the
 * service's with backpressure (undici), the answer back the same way, so gateway memory does
 * not grow with file size or the number of uploads. Errors the service answers as WireErrors
 * become the gateway's errors; an unreachable service is 503 SERVICE_UNAVAILABLE, one that does
 * not answer within the deadline 504 UPSTREAM_TIMEOUT.
 */
@Injectable()
export class FileProxy implements OnApplicationShutdown {
  /**
   * Two pools: slow uploads (a client's bandwidth, up to the upload deadline) never take the
   * connections that thumbnails and downloads need.
   */
  private readonly uploads = new Agent({ keepAliveTimeout: 10_000, connections: 64, headersTimeout: 0, bodyTimeout: 0 });
  private readonly reads = new Agent({ keepAliveTimeout: 10_000, connections: 64, headersTimeout: 0, bodyTimeout: 0 });

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.uploads.close(), this.reads.close()]);
  }

  /**
   * Forwards the request to the target with the caller's token; `upload` streams the request
   * body too. The deadline covers everything until the service's answer begins.
   */
  async forward(request: FastifyRequest, reply: FastifyReply, target: FileTarget, options: { upload?: boolean; deadlineMs: number }): Promise<void> {
    const headers: Record<string, string> = { 'x-request-id': String(request.id) };
    const authorization = request.headers.authorization;
    if (authorization) headers['authorization'] = authorization;
    for (const name of PASSED_REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (options.upload) {
      headers['content-type'] = String(request.headers['content-type']);
      if (request.headers['content-length']) headers['content-length'] = String(request.headers['content-length']);
    }
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    // the service reads the upload from a pipe, not the client's request itself: when it refuses
    // half way and the pipe is torn down, the client's connection survives to hear why
    const body = options.upload ? request.raw.pipe(new PassThrough({ highWaterMark: 64 * 1024 })) : undefined;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), options.deadlineMs);
    // a client that goes away mid-upload frees the service at once, not at the deadline
    const gone = () => {
      if (!request.raw.readableEnded) abort.abort();
    };
    if (body) request.raw.once('close', gone);
    let answer: Awaited<ReturnType<typeof send>>;
    try {
      answer = await send(`${target.origin}${target.path}${query}`, {
        method: options.upload ? 'POST' : 'GET',
        headers,
        ...(body ? { body } : {}),
        signal: abort.signal,
        dispatcher: options.upload ? this.uploads : this.reads,
      });
    } catch (error) {
      if (body) lingerOn(request, body);
      throw this.failure(error, abort.signal.aborted, options.deadlineMs, target.service);
    } finally {
      clearTimeout(timer);
      request.raw.off('close', gone);
    }
    for (const name of PASSED_RESPONSE_HEADERS) {
      const value = answer.headers[name];
      if (typeof value === 'string') void reply.header(name, value);
    }
    if (answer.headers['x-site11-error']) {
      const wire: unknown = await answer.body.json().catch(() => null);
      if (body) lingerOn(request, body);
      if (DomainError.isWireError(wire)) throw DomainError.fromWire(wire);
      throw new DomainError(CommonErrors.internal, ErrorKind.Internal, `The ${target.service} service answered an unreadable error`);
    }
    await reply.status(answer.statusCode).send(answer.body);
  }

  private failure(error: unknown, timedOut: boolean, deadlineMs: number, service: string): DomainError {
    if (error instanceof DomainError) return error;
    if (timedOut || error instanceof errors.RequestAbortedError) {
      return new DomainError(CommonErrors.upstreamTimeout, ErrorKind.DeadlineExceeded, `The ${service} service did not answer within ${deadlineMs} ms`);
    }
    return new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, `The ${service} service is not available`);
  }
}

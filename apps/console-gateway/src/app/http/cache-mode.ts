import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { bypassesCache, type CacheMode } from '@site11/cache';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * How this request uses the read cache: `Cache-Control: no-cache` (or `no-store`) asks for an
 * answer from the owning service. The outcome is told in the `x-cache` response header
 * (`hit`, `miss` or `bypass`).
 */
export const ReadCacheMode = createParamDecorator((_: unknown, ctx: ExecutionContext): CacheMode => {
  const http = ctx.switchToHttp();
  const request = http.getRequest<FastifyRequest>();
  const reply = http.getResponse<FastifyReply>();
  return { bypass: bypassesCache(request.headers['cache-control']), report: (outcome) => void reply.header('x-cache', outcome) };
});

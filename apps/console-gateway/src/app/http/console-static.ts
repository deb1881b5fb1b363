import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';

/** Paths that belong to the API and the platform, never to the console's router. */
const NOT_CONSOLE = /^\/(api|health|\.well-known|oauth2|metrics)(\/|$)/;
/** A path with a file extension asks for a file: a missing one is a 404, not the app. */
const FILE = /\/[^/]*\.[A-Za-z0-9]+$/;

/** The strict policy of the console's pages: no inline or foreign scripts, nothing framed. */
export const CONSOLE_CSP = {
  directives: {
    defaultSrc: [`'self'`],
    scriptSrc: [`'self'`],
    // Mantine sets CSS variables in style elements
    styleSrc: [`'self'`, `'unsafe-inline'`],
    // blob: the images screens show API images as object URLs (an <img> cannot send a token)
    imgSrc: [`'self'`, 'data:', 'blob:'],
    connectSrc: [`'self'`],
    fontSrc: [`'self'`],
    objectSrc: [`'none'`],
    baseUri: [`'self'`],
    frameAncestors: [`'none'`],
    formAction: [`'self'`],
    // helmet adds it by default; on a plain-http deployment (a LAN address) it would send every
    // asset request to https. TLS belongs to the proxy in front, with HSTS.
    upgradeInsecureRequests: null,
  },
};

/** The Swagger UI at /api/docs runs inline scripts: its pages alone get this looser policy. */
export const DOCS_CSP =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: validator.swagger.io; script-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'";

export function consoleIndex(dir: string): string | null {
  if (!dir) return null;
  const index = join(resolve(dir), 'index.html');
  return existsSync(index) ? index : null;
}

/**
 * Fastify's `rewriteUrl`: a GET for one of the console's routes (`/users/42`, `/login`) is
 * answered with index.html, so a reload or a shared link opens the app there. The API, the
 * probes, the well-known documents and files keep their own routes (and their 404s).
 */
export function consoleFallback(enabled: boolean) {
  return (request: IncomingMessage): string => {
    const url = request.url ?? '/';
    if (!enabled || (request.method !== 'GET' && request.method !== 'HEAD')) return url;
    const path = url.split('?')[0];
    return NOT_CONSOLE.test(path) || FILE.test(path) ? url : '/index.html';
  };
}

/**
 * Serves the built console: hashed assets cached for a year (their name changes with their
 * content), index.html never cached (it names the current assets); the build's brotli or gzip
 * copy of a file to a browser that accepts it.
 */
export async function serveConsole(fastify: FastifyInstance, dir: string): Promise<void> {
  await fastify.register(fastifyStatic, {
    root: resolve(dir),
    prefix: '/',
    wildcard: false,
    index: false,
    decorateReply: false,
    // the build writes .br and .gz copies (apps/console-web/scripts/precompress.mjs)
    preCompressed: true,
    // served in place of their file, never at their own address
    globIgnore: ['**/*.br', '**/*.gz'],
    setHeaders: (reply, path) => {
      const cacheControl = path.endsWith('index.html') ? 'no-cache' : path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600';
      reply.header('cache-control', cacheControl);
    },
  });
  fastify.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/docs')) reply.header('content-security-policy', DOCS_CSP);
  });
}

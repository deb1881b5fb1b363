import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

/**
 * Routes whose request body is a file, left unread by the gateway: FileProxy streams it on to
 * the owning service, so no upload is ever held in the gateway's memory. Each names the media
 * types it takes; any other route refuses these types (415), as it always did.
 */
const STREAMED_ROUTES: Array<{ url: string; types: string[] }> = [
  { url: '/api/v1/images', types: ['multipart/form-data'] },
  {
    url: '/api/v1/data/datasets/:id/imports',
    types: ['multipart/form-data', 'application/json', 'text/csv', 'application/csv', 'text/tab-separated-values', 'application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines', 'application/octet-stream', 'text/plain'],
  },
];

const mediaType = (request: FastifyRequest) => (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();

function isStreamed(request: FastifyRequest): boolean {
  if (request.method !== 'POST') return false;
  const type = mediaType(request);
  return STREAMED_ROUTES.some((route) => route.url === request.routeOptions.url && route.types.includes(type));
}

/**
 * Body parsers of the gateway: JSON everywhere (Fastify's own, with its body limit and
 * prototype-poisoning checks), file types on the streamed routes only, unread.
 */
export function registerStreamedBodies(fastify: FastifyInstance): void {
  const fileTypes = [...new Set(STREAMED_ROUTES.flatMap((route) => route.types))].filter((type) => type !== 'application/json');
  fastify.addContentTypeParser(fileTypes, (request, _payload, done) => {
    if (!isStreamed(request)) {
      done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? ''), undefined);
      return;
    }
    done(null, undefined);
  });
  // JSON is parsed as Fastify would (limit, then secure-json-parse), except a JSON file sent to
  // an import route, which is streamed like the other file types
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', (request, payload, done) => {
    if (isStreamed(request)) {
      done(null, undefined);
      return;
    }
    const limit = request.routeOptions.bodyLimit ?? fastify.initialConfig.bodyLimit ?? 1024 * 1024;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      payload.resume();
      done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let finished = false;
    const finish = (error: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      done(error, body);
    };
    payload.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        payload.removeAllListeners('data');
        payload.resume();
        finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      chunks.push(chunk);
    });
    payload.once('error', (error) => finish(error));
    payload.once('end', () => {
      if (Number.isFinite(declared) && received !== declared) return finish(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
      parseJson(request, Buffer.concat(chunks, received).toString('utf8'), (error, body) => finish(error, body));
    });
  });
}

import { errorCodes } from 'fastify';
import { Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyCookie from '@fastify/cookie';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '@site11/config';
import { PUBLIC_OPERATION } from '@site11/contracts';
import { exitGracefullyOn } from '@site11/platform';
import { instrumentFastify, MetricsListener, MetricsService, StructuredLogger } from '@site11/observability';
import { AppModule } from './app.module';
import { GatewayConfig } from './gateway.config';
import { requestIdFor } from './http/call-context';
import { registerStreamedBodies } from './http/streamed-bodies';
import { CONSOLE_CSP, consoleFallback, consoleIndex, serveConsole } from './http/console-static';
import { applySecurityHeaders } from './http/security-headers';

/** Routes that live outside /api/v1 by convention: probes and the JWKS. Metrics have their own listener. */
const UNPREFIXED_ROUTES = [
  ...['health/live', 'health/ready', 'health/services', '.well-known/jwks.json', '.well-known/openid-configuration', '.well-known/oauth-authorization-server'].map(
    (path) => ({ path, method: RequestMethod.GET }),
  ),
  // the authorization server's endpoints, at the addresses the discovery document gives
  ...['oauth2/authorize', 'oauth2/login', 'oauth2/login/mfa', 'oauth2/consent', 'oauth2/token', 'oauth2/userinfo', 'oauth2/revoke', 'oauth2/introspect', 'oauth2/logout'].map((path) => ({ path, method: RequestMethod.ALL })),
];


/** The gateway's OpenAPI document, from the same controllers and DTOs that serve and validate. */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('site11 console gateway')
      .setDescription('REST entry point of the site11 platform. Every error has the body of `ErrorResponseDto`.')
      .setVersion('1')
      // relative: the API is served by the origin that serves this document
      .addServer('/', 'the gateway that serves this document')
      .setLicense('MIT', 'https://opensource.org/license/mit')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      // like JwtAuthGuard: every operation needs the token, unless it is @Public()
      .addSecurityRequirements('bearer')
      .build(),
  );
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as Array<Record<string, unknown>>) {
      if (typeof operation !== 'object' || operation === null || !(PUBLIC_OPERATION in operation)) continue;
      delete operation[PUBLIC_OPERATION];
      operation['security'] = [];
    }
  }
  return document;
}

/**
 * Writes the OpenAPI document to `file` and returns, without connecting to anything: the app is
 * created in preview mode (modules scanned, no provider instantiated). `nx run console-gateway:openapi`.
 */
export async function emitOpenApi(file: string): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
  app.setGlobalPrefix('api/v1', { exclude: UNPREFIXED_ROUTES });
  const document = openApiDocument(app);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}

export async function bootstrapGateway(): Promise<void> {
  const logger = new Logger('console-gateway');
  try {
    const config = loadConfig(GatewayConfig);
    const consoleHtml = consoleIndex(config.CONSOLE_DIR);
    const adapter = new FastifyAdapter({
      rewriteUrl: consoleFallback(consoleHtml !== null),
      bodyLimit: config.BODY_LIMIT_BYTES,
      genReqId: requestIdFor,
      trustProxy: config.trustProxy,
    });
    // JSON is the only body the API accepts; anything else is 415, not a string to validate.
    adapter.getInstance().removeContentTypeParser('text/plain');
    // forms, for the authorization server's endpoints only (OAuth 2.1 speaks form-urlencoded)
    adapter.getInstance().addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
      if (!request.url.startsWith('/oauth2/')) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type'] ?? ''), undefined);
        return;
      }
      // no prototype: a parameter called __proto__ or constructor is just a parameter
      const form: Record<string, string | string[]> = Object.create(null);
      for (const [name, value] of new URLSearchParams(body as string)) {
        const seen = form[name];
        // a repeated parameter stays visible, so the endpoint can refuse it (RFC 6749 §3.1)
        form[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
      }
      done(null, form);
    });
    // files (an image, a data import) are streamed on to their service, never parsed here
    registerStreamedBodies(adapter.getInstance());
    // routes may set a tighter (or, for uploads, larger) limit with @BodyLimit
    adapter.getInstance().addHook('onRoute', (route) => {
      const limit = (route.config as { bodyLimit?: unknown } | undefined)?.bodyLimit;
      if (typeof limit === 'number') route.bodyLimit = limit;
    });
    adapter.getInstance().addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
      bufferLogs: true,
      abortOnError: false,
      // Keep Fastify's own JSON parser (with the adapter's body limit); no urlencoded bodies.
      bodyParser: false,
    });
    app.useLogger(app.get(StructuredLogger));
    instrumentFastify(adapter.getInstance(), app.get(MetricsService));
    app.setGlobalPrefix('api/v1', { exclude: UNPREFIXED_ROUTES });
    await app.register(fastifyCookie);
    applySecurityHeaders(adapter.getInstance(), { contentSecurityPolicy: CONSOLE_CSP });
    if (consoleHtml) await serveConsole(adapter.getInstance(), config.CONSOLE_DIR);
    else logger.warn(`No console at ${config.CONSOLE_DIR || '(CONSOLE_DIR empty)'}: the gateway serves the API only`);
    const origins = config.CORS_ORIGINS.split(',').filter(Boolean);
    if (origins.length > 0) {
      app.enableCors({ origin: origins, exposedHeaders: ['x-request-id', 'retry-after'], maxAge: 600 });
    }

    const document = openApiDocument(app);
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

    await app.listen(config.PORT, config.HOST);
    exitGracefullyOn(app, 'console-gateway');
    const url = (await app.getUrl()).replace('[::1]', 'localhost');
    const metricsPort = app.get(MetricsListener).address()?.port;
    logger.log(`console-gateway listening on ${url}/api/v1 (console: ${consoleHtml ? `${url}/` : "not served"}; docs: ${url}/api/docs); metrics on http://${config.METRICS_HOST}:${metricsPort}/metrics`);
  } catch (error) {
    // logs may still be buffered for a logger that never got installed
    Logger.flush();
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

import { Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { loadConfig } from '@site11/config';
import { logLevelsFrom } from '@site11/messaging';
import { AppModule } from './app.module';
import { GatewayConfig } from './gateway.config';
import { requestIdFor } from './http/call-context';

const HEALTH_ROUTES = ['health/live', 'health/ready'].map((path) => ({ path, method: RequestMethod.GET }));

export async function bootstrapGateway(): Promise<void> {
  const logger = new Logger('console-gateway');
  try {
    const config = loadConfig(GatewayConfig);
    const adapter = new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES, genReqId: requestIdFor });
    // JSON is the only body the API accepts; anything else is 415, not a string to validate.
    adapter.getInstance().removeContentTypeParser('text/plain');
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
    app.useLogger(logLevelsFrom(config.LOG_LEVEL));
    app.setGlobalPrefix('api/v1', { exclude: HEALTH_ROUTES });
    app.enableShutdownHooks();

    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('site11 console gateway')
        .setDescription('REST entry point of the site11 platform. Every error has the body of `ErrorResponseDto`.')
        .setVersion('1')
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

    await app.listen(config.PORT, config.HOST);
    const url = (await app.getUrl()).replace('[::1]', 'localhost');
    logger.log(`console-gateway listening on ${url}/api/v1 (docs: ${url}/api/docs)`);
  } catch (error) {
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

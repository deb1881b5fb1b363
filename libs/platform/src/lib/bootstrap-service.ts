import { type INestApplication, Logger, type Type } from '@nestjs/common';
import { BaseExceptionFilter, NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ServiceConfig } from '@site11/config';
import { StructuredLogger } from '@site11/observability';
import { redisEndpointOf, transportRedisOptions } from '@site11/redis';
import { createValidationPipe, RedisStreamsServer, RpcEnvelopeInterceptor, RpcErrorFilter } from '@site11/messaging';
import { migrateBeforeServing } from '@site11/persistence';
import { CALLER_IDENTITY, type CallerIdentityResolver } from '@site11/contracts';
import { exitGracefullyOn } from './graceful-shutdown';

export interface BootstrapServiceOptions<C extends ServiceConfig> {
  /** Service name, used in logs. */
  name: string;
  /** The app's validated config class, as registered with `AppConfigModule.forRoot`. */
  config: Type<C>;
  /**
   * Where this service's consumer groups on event streams start when first created: `new`
   * (default, a subscriber cares from now on) or `oldest` (a backfill of the retained window, for
   * consumers such as statistics that count history).
   */
  eventsFrom?: 'new' | 'oldest';
  /**
   * Error codes with which this service's event handlers say another delivery cannot help: such
   * an event goes to the dead-letter stream at once (streams transport; RedisStreamsServer).
   */
  permanentEventErrors?: readonly string[];
}

/** The app's credential check for the transport, when it has one (RpcIdentityModule). */
function callerIdentityOf(app: INestApplication): CallerIdentityResolver | undefined {
  try {
    return app.get<CallerIdentityResolver>(CALLER_IDENTITY, { strict: false });
  } catch {
    return undefined;
  }
}

/**
 * Starts a platform microservice: message handlers on the Redis transport (with the platform's
 * validation, envelope checks and error filter), plus a small HTTP server that serves only the
 * health endpoints, for probes. The database's migrations come first, as MIGRATE says
 * (docs/migrations.md): with MIGRATE=only the process exits 0 once they are applied. Exits with a
 * readable message when the config is invalid or a migration fails.
 */
export async function bootstrapService<C extends ServiceConfig>(
  rootModule: Type<unknown>,
  options: BootstrapServiceOptions<C>,
): Promise<INestApplication> {
  const logger = new Logger(options.name);
  try {
    if ((await migrateBeforeServing(rootModule, options.name)) === 'exit') process.exit(0);
    const app = await NestFactory.create<NestFastifyApplication>(rootModule, new FastifyAdapter(), {
      bufferLogs: true,
      abortOnError: false,
    });
    const config = app.get(options.config);
    app.useLogger(app.get(StructuredLogger));

    // Message handlers are bound when the microservice is connected, so the global enhancers
    // must be in place before, and inherited; they pass HTTP (health) requests through.
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalInterceptors(new RpcEnvelopeInterceptor());
    app.useGlobalFilters(new RpcErrorFilter(new BaseExceptionFilter(app.getHttpAdapter())));
    if (config.TRANSPORT === 'streams' && config.STREAMS_RECLAIM_IDLE_MS >= config.RPC_DEADLINE_MS) {
      logger.warn(
        `STREAMS_RECLAIM_IDLE_MS (${config.STREAMS_RECLAIM_IDLE_MS}) is not below RPC_DEADLINE_MS (${config.RPC_DEADLINE_MS}): ` +
          'requests of a killed instance will be reclaimed after their callers gave up',
      );
    }
    const transport: MicroserviceOptions =
      config.TRANSPORT === 'redis'
        ? { transport: Transport.REDIS, options: transportRedisOptions(redisEndpointOf(config), 'server') }
        : {
            strategy: new RedisStreamsServer({
              url: redisEndpointOf(config),
              identify: callerIdentityOf(app),
              service: options.name,
              instanceId: config.INSTANCE_ID,
              maxInFlight: config.STREAMS_MAX_IN_FLIGHT,
              reclaimIdleMs: config.STREAMS_RECLAIM_IDLE_MS,
              maxDeliveries: config.STREAMS_MAX_DELIVERIES,
              retryMaxDelayMs: config.STREAMS_RETRY_MAX_DELAY_MS,
              shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
              eventsFrom: options.eventsFrom ?? 'new',
              permanentEventErrors: options.permanentEventErrors,
            }),
          };
    app.connectMicroservice<MicroserviceOptions>(transport, { inheritAppConfig: true });

    await app.startAllMicroservices();
    await app.listen(config.HEALTH_PORT, config.HEALTH_HOST);
    exitGracefullyOn(app, options.name);
    logger.log(`${options.name} serves its patterns over ${config.TRANSPORT}; health on ${await app.getUrl()}/health`);
    return app;
  } catch (error) {
    // logs may still be buffered for a logger that never got installed
    Logger.flush();
    logger.fatal(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

import { type INestApplicationContext, Logger } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT: close the app (readiness turns 503, in-flight work finishes, the
 * instance deregisters, connections close) and exit 0. Nest's own shutdown hooks re-raise the
 * signal after closing, which makes the exit look like a crash to orchestrators; this does not.
 * A second signal exits at once.
 */
export function exitGracefullyOn(app: INestApplicationContext, name: string, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']) {
  const logger = new Logger(name);
  let closing = false;
  // While closing, a late write on a connection that has just been closed (Nest's Redis
  // transport replying after quit, say) must not turn a clean stop into a crash.
  process.on('unhandledRejection', (reason) => {
    if (!closing) throw reason;
    logger.warn(`Ignored during shutdown: ${reason instanceof Error ? reason.message : String(reason)}`);
  });
  for (const signal of signals) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      logger.log(`${signal} received: finishing in-flight work`);
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`Shutdown failed: ${error instanceof Error ? error.stack : String(error)}`);
          process.exit(1);
        },
      );
    });
  }
}

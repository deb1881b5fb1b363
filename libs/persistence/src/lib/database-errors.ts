import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import { CommonErrors, DomainError, ErrorKind } from '@site11/contracts';
import { catchError, type Observable, throwError } from 'rxjs';

/** A unique index refused the write (MongoDB and FerretDB both answer code 11000). */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

const UNAVAILABLE = /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|Topology|PoolCleared)/;

/**
 * FerretDB's SQLite backend (development and tests) when a write waited its whole busy timeout
 * for the database file's lock: an `InternalError` (code 1) whose message ends
 * `database is locked (5) (SQLITE_BUSY)`. The database is overloaded, not the request wrong.
 */
const SQLITE_BUSY = /\(SQLITE_BUSY\)$/;

/**
 * Network, pool and server-selection failures: the database is down or unreachable, which is
 * not the request's fault and not a bug. The driver and mongoose name their errors by kind.
 * A write that FerretDB's SQLite backend could not get the lock for counts too (busy, try later).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (typeof name === 'string' && UNAVAILABLE.test(name)) return true;
  // insertMany wraps the same answer as a MongoBulkWriteError (same code and message)
  return (name === 'MongoServerError' || name === 'MongoBulkWriteError') && code === 1 && typeof message === 'string' && SQLITE_BUSY.test(message);
}

/** The error every service answers while its database is down: 503 `SERVICE_UNAVAILABLE` at the gateway. */
export function databaseUnavailable(database: string): DomainError {
  return new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, `The ${database} database is not available`);
}

/** Name of the service's database, for error messages. */
export const DATABASE_NAME = Symbol('DATABASE_NAME');

/**
 * Registered for every message handler of a service by `PersistenceModule.forService`: a
 * database outage leaves the service as `SERVICE_UNAVAILABLE`, whichever handler met it, so no
 * use case has to wrap its queries. Anything else passes through unchanged.
 */
@Injectable()
export class DatabaseErrorsInterceptor implements NestInterceptor {
  constructor(@Inject(DATABASE_NAME) private readonly database: string) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    return next
      .handle()
      .pipe(catchError((error: unknown) => throwError(() => (isDatabaseUnavailable(error) ? databaseUnavailable(this.database) : error))));
  }
}

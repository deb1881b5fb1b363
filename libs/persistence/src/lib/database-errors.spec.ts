import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { CommonErrors, DomainError, ErrorKind } from '@site11/contracts';
import mongoose from 'mongoose';
import { firstValueFrom, of, throwError } from 'rxjs';
import { DatabaseErrorsInterceptor, isDatabaseUnavailable, isDuplicateKey } from './database-errors';

const driver = mongoose.mongo;

/** An error as the driver names it, for the kinds it does not export a class for. */
function named(name: string): Error {
  const error = new Error('failed');
  error.name = name;
  return error;
}

function contextOf(type: 'rpc' | 'http'): ExecutionContext {
  return { getType: () => type } as unknown as ExecutionContext;
}

function failingWith(error: unknown): CallHandler {
  return { handle: () => throwError(() => error) };
}

async function errorOf(interceptor: DatabaseErrorsInterceptor, type: 'rpc' | 'http', error: unknown): Promise<unknown> {
  return firstValueFrom(interceptor.intercept(contextOf(type), failingWith(error))).then(
    () => {
      throw new Error('the call succeeded');
    },
    (thrown: unknown) => thrown,
  );
}

describe('isDuplicateKey', () => {
  it('recognises the duplicate key error by its code 11000', () => {
    expect(isDuplicateKey(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(true);
    expect(isDuplicateKey(new driver.MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBe(true);
  });

  it('refuses other codes, errors without a code, null and strings', () => {
    expect(isDuplicateKey(Object.assign(new Error('other'), { code: 11001 }))).toBe(false);
    expect(isDuplicateKey(Object.assign(new Error('as text'), { code: '11000' }))).toBe(false);
    expect(isDuplicateKey(new Error('no code'))).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
    expect(isDuplicateKey(undefined)).toBe(false);
    expect(isDuplicateKey('E11000 duplicate key')).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  it.each([
    ['MongoServerSelectionError', new driver.MongoServerSelectionError('no server', {} as never)],
    ['MongoNetworkError', new driver.MongoNetworkError('connection reset')],
    ['MongoNetworkTimeoutError', new driver.MongoNetworkTimeoutError('timed out')],
    ['MongoNotConnectedError', new driver.MongoNotConnectedError('not connected')],
    ['MongoTopologyClosedError', new driver.MongoTopologyClosedError('closed')],
    ['MongoPoolClearedError', named('MongoPoolClearedError')],
    ['MongooseServerSelectionError', new mongoose.Error.MongooseServerSelectionError('no server')],
  ])('counts a %s as the database being unavailable', (name, error) => {
    expect(error.name).toBe(name);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('counts a write FerretDB’s SQLite backend could not get the lock for as the database being unavailable', () => {
    // the answer as FerretDB 1.24 sent it (from its log) to 20 concurrent 10 MB GridFS uploads
    const busy = new driver.MongoServerError({
      ok: 0,
      errmsg: '[msg_update.go:133 handler.(*Handler).updateDocument] [update.go:114 common.UpdateDocument] [collection.go:191 sqlite.(*collection).UpdateAll] [collection.go:177 sqlite.(*collection).UpdateAll.func1] database is locked (5) (SQLITE_BUSY)',
      code: 1,
      codeName: 'InternalError',
    });
    expect(isDatabaseUnavailable(busy)).toBe(true);
    // insertMany's wrapping of the same answer
    expect(isDatabaseUnavailable(new driver.MongoBulkWriteError(busy, { insertedCount: 0, matchedCount: 0, modifiedCount: 0, deletedCount: 0, upsertedCount: 0, upsertedIds: {}, insertedIds: {} } as never))).toBe(true);
    expect(isDatabaseUnavailable(new driver.MongoServerError({ errmsg: 'something else (SQLITE_ERROR)', code: 1, codeName: 'InternalError' }))).toBe(false);
  });

  it.each([
    ['a MongoServerError', new driver.MongoServerError({ message: 'E11000 duplicate key', code: 11000 })],
    ['a mongoose ValidationError', new mongoose.Error.ValidationError()],
    ['a plain Error', new Error('bug')],
    ['null', null],
    ['a string', 'MongoNetworkError'],
  ])('does not count %s as the database being unavailable', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('DatabaseErrorsInterceptor', () => {
  const interceptor = new DatabaseErrorsInterceptor('users');

  it('turns a database outage met by a message handler into SERVICE_UNAVAILABLE naming the database', async () => {
    const error = await errorOf(interceptor, 'rpc', new driver.MongoServerSelectionError('no server', {} as never));

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: CommonErrors.serviceUnavailable, kind: ErrorKind.Unavailable });
    expect((error as DomainError).code).toBe('SERVICE_UNAVAILABLE');
    expect((error as DomainError).message).toContain('users');
    expect((error as DomainError).message).toMatch(/database/);
  });

  it('passes any other error of a message handler through unchanged', async () => {
    const duplicate = new driver.MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    const domain = new DomainError('USERS.NOT_FOUND', ErrorKind.NotFound, 'no such user');
    const bug = new Error('bug');

    expect(await errorOf(interceptor, 'rpc', duplicate)).toBe(duplicate);
    expect(await errorOf(interceptor, 'rpc', domain)).toBe(domain);
    expect(await errorOf(interceptor, 'rpc', bug)).toBe(bug);
  });

  it('passes the values of a message handler through', async () => {
    await expect(firstValueFrom(interceptor.intercept(contextOf('rpc'), { handle: () => of({ id: '1' }) }))).resolves.toEqual({
      id: '1',
    });
  });

  it('translates nothing outside message handlers', async () => {
    const outage = new driver.MongoServerSelectionError('no server', {} as never);

    expect(await errorOf(interceptor, 'http', outage)).toBe(outage);
  });
});

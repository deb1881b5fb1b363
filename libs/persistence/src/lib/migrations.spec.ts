import type { LoggerService } from '@nestjs/common';
import mongoose, { type Connection } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { MIGRATIONS_LOCK_COLLECTION, type MigrationLease } from './migration-lock';
import { assertMigrationList, type Migration, MIGRATIONS_COLLECTION, MigrationFailedError, type MigrationRecord, MigrationRunner } from './migrations';

const uri = () => process.env['PERSISTENCE_TEST_MONGODB_URI'] as string;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger that keeps what it was told, to check what an operator would read. */
function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const logger: LoggerService = {
    log: (message: string) => lines.push({ level: 'log', message }),
    warn: (message: string) => lines.push({ level: 'warn', message }),
    error: (message: string) => lines.push({ level: 'error', message }),
  };
  return { logger, lines, text: (level: string) => lines.filter((line) => line.level === level).map((line) => line.message).join('\n') };
}

/**
 * A migration that counts its runs in `runs` (an insert, which FerretDB makes atomic), taking
 * `ms` to do so: what concurrent runners would do twice shows up there.
 */
const counting = (id: string, ms = 0): Migration => ({
  id,
  description: `counts its runs (${id})`,
  async up(db) {
    await db.collection('runs').insertOne({ migration: id, at: new Date() });
    await sleep(ms);
  },
});

describe('MigrationRunner (real FerretDB/MongoDB)', () => {
  const connections: Connection[] = [];
  let dbName: string;

  /** A connection of its own, like another replica's. */
  const connect = async () => {
    const connection = await mongoose.createConnection(uri(), { dbName }).asPromise();
    connections.push(connection);
    return connection.db as mongoose.mongo.Db;
  };
  const runner = async (migrations: Migration[], owner = 'replica-1', extra: { leaseMs?: number; pollMs?: number; logger?: LoggerService } = {}) =>
    new MigrationRunner(await connect(), migrations, { owner, logger: recordingLogger().logger, leaseMs: 2000, pollMs: 20, ...extra });
  const runsOf = async () =>
    (await (await connect()).collection<{ migration: string }>('runs').find().sort({ at: 1 }).toArray()).map((run) => run.migration);
  const records = async () => (await connect()).collection<MigrationRecord>(MIGRATIONS_COLLECTION).find().sort({ _id: 1 }).toArray();

  beforeEach(() => {
    dbName = `migrations_test_${randomBytes(4).toString('hex')}`;
  });

  afterEach(async () => {
    await connections[0]?.dropDatabase();
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });

  it('applies the pending migrations in the order of the list, once each, and records them with their duration', async () => {
    const { logger, text } = recordingLogger();
    const result = await (await runner([counting('0001-first'), counting('0002-second'), counting('0003-third')], 'replica-1', { logger })).run();

    expect(result.appliedNow).toEqual(['0001-first', '0002-second', '0003-third']);
    expect(await runsOf()).toEqual(['0001-first', '0002-second', '0003-third']);
    expect(await records()).toEqual(
      ['0001-first', '0002-second', '0003-third'].map((id) => ({
        _id: id,
        description: `counts its runs (${id})`,
        appliedAt: expect.any(Date),
        durationMs: expect.any(Number),
        appliedBy: 'replica-1',
      })),
    );
    expect(text('log')).toMatch(/Applied migration 0001-first in \d+ ms: counts its runs/);
    expect(text('log')).toMatch(/Applied migration 0003-third/);
  });

  it('applies nothing on a second run, and only what was added to the list since on a later one', async () => {
    await (await runner([counting('0001-first'), counting('0002-second')])).run();

    const again = await (await runner([counting('0001-first'), counting('0002-second')])).run();
    expect(again).toEqual({ applied: ['0001-first', '0002-second'], pending: [], unknown: [], appliedNow: [] });

    const later = await (await runner([counting('0001-first'), counting('0002-second'), counting('0003-third')])).run();
    expect(later.appliedNow).toEqual(['0003-third']);
    expect(await runsOf()).toEqual(['0001-first', '0002-second', '0003-third']);
    // a run with nothing pending does not take the lock either
    expect(await (await connect()).collection(MIGRATIONS_LOCK_COLLECTION).countDocuments()).toBe(1);
  });

  it('lets only one of several runners started at once apply each migration; the others wait for the lock and find nothing left', async () => {
    const list = () => [counting('0001-first', 150), counting('0002-second', 150)];
    const runners = await Promise.all([1, 2, 3, 4, 5].map((n) => runner(list(), `replica-${n}`)));

    const results = await Promise.all(runners.map((each) => each.run()));

    expect(await runsOf()).toEqual(['0001-first', '0002-second']);
    expect(results.flatMap((result) => result.appliedNow).sort()).toEqual(['0001-first', '0002-second']);
    expect(results.every((result) => result.pending.length === 0)).toBe(true);
    expect((await records()).map((record) => record._id)).toEqual(['0001-first', '0002-second']);
  });

  it('keeps the lock through a migration longer than its lease, renewing it, so a waiting runner does not take over', async () => {
    const slow = () => [counting('0001-slow', 1200)];
    const first = (await runner(slow(), 'replica-1', { leaseMs: 300 })).run();
    await sleep(50);
    const second = (await runner(slow(), 'replica-2', { leaseMs: 300 })).run();

    await Promise.all([first, second]);

    expect(await runsOf()).toEqual(['0001-slow']);
  });

  it('takes over a lock whose holder died once its lease has run out, and not before', async () => {
    const db = await connect();
    const leaseEnds = Date.now() + 700;
    // what a runner killed while it held the lock leaves behind: a lease nobody renews
    await db.collection<MigrationLease>(MIGRATIONS_LOCK_COLLECTION).insertOne({
      _id: 1,
      owner: 'killed-replica',
      token: 'gone',
      acquiredAt: new Date(),
      expiresAt: new Date(leaseEnds),
    });
    const { logger, text } = recordingLogger();

    const result = await (await runner([counting('0001-first')], 'replica-2', { logger })).run();

    expect(Date.now()).toBeGreaterThanOrEqual(leaseEnds);
    expect(result.appliedNow).toEqual(['0001-first']);
    expect(text('log')).toContain('Waiting for the migrations lock, held by killed-replica');
    expect(text('warn')).toContain('Took over the migrations lock of killed-replica');
    // the dead lease is gone, the new one released
    const leases = await db.collection<MigrationLease>(MIGRATIONS_LOCK_COLLECTION).find().toArray();
    expect(leases).toEqual([expect.objectContaining({ _id: 2, owner: 'replica-2', releasedAt: expect.any(Date) })]);
  });

  it('stops before its next migration when another runner took over its lock, keeping what it applied', async () => {
    const leases = (await connect()).collection<MigrationLease>(MIGRATIONS_LOCK_COLLECTION);
    const list: Migration[] = [
      {
        id: '0001-paused',
        description: 'outlives its lease, as a runner paused long enough would',
        async up() {
          const held = (await leases.find().sort({ _id: -1 }).limit(1).next()) as MigrationLease;
          // what a runner that saw the lease run out does: it adds the next one
          await leases.insertOne({ _id: held._id + 1, owner: 'replica-2', token: 't', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) });
          await sleep(300);
        },
      },
      counting('0002-next'),
    ];

    await expect((await runner(list, 'replica-1', { leaseMs: 150 })).run()).rejects.toThrow(/replica-1 lost the migrations lock .*stopped before the next migration/);

    expect((await records()).map((record) => record._id)).toEqual(['0001-paused']);
    expect(await runsOf()).toEqual([]);
  });

  it('stops at a failed migration, records neither it nor those after it, releases the lock, and applies it on the next run', async () => {
    let broken = true;
    const list = (): Migration[] => [
      counting('0001-first'),
      {
        id: '0002-flaky',
        description: 'fails until it is fixed',
        async up(db) {
          await db.collection('runs').insertOne({ migration: '0002-flaky', at: new Date() });
          if (broken) throw new Error('unexpected document shape');
        },
      },
      counting('0003-third'),
    ];

    const failed = (await runner(list())).run();
    await expect(failed).rejects.toThrow(MigrationFailedError);
    await expect(failed).rejects.toThrow(/Migration 0002-flaky failed, nothing recorded .*: unexpected document shape/);
    expect((await records()).map((record) => record._id)).toEqual(['0001-first']);

    broken = false;
    const started = Date.now();
    const retried = await (await runner(list(), 'replica-2', { leaseMs: 60_000 })).run();

    expect(Date.now() - started).toBeLessThan(5000); // the failed run released the lock: no wait for a 60 s lease
    expect(retried.appliedNow).toEqual(['0002-flaky', '0003-third']);
    expect(await runsOf()).toEqual(['0001-first', '0002-flaky', '0002-flaky', '0003-third']);
  });

  it('tells apart the migrations applied by a newer release, and still applies its own pending ones', async () => {
    await (await runner([counting('0001-first'), counting('0002-second'), counting('0003-newer')])).run();

    const older = await runner([counting('0001-first'), counting('0002-second')]);
    expect(await older.status()).toEqual({ applied: ['0001-first', '0002-second'], pending: [], unknown: ['0003-newer'] });

    const branch = await (await runner([counting('0001-first'), counting('0002-second'), counting('0004-own')])).run();
    expect(branch.appliedNow).toEqual(['0004-own']);
    expect(branch.unknown).toEqual(['0003-newer']);
  });
});

describe('assertMigrationList', () => {
  const named = (id: string): Migration => ({ id, description: 'd', up: async () => undefined });

  it('accepts ids NNNN-kebab-case whose numbers increase along the list', () => {
    expect(() => assertMigrationList([named('0001-baseline'), named('0002-users-name-lower'), named('0010-later')])).not.toThrow();
  });

  it('refuses an id that is not NNNN-kebab-case', () => {
    expect(() => assertMigrationList([named('1-baseline')])).toThrow(/"1-baseline" is not NNNN-kebab-case/);
    expect(() => assertMigrationList([named('0001_Baseline')])).toThrow(/not NNNN-kebab-case/);
  });

  it('refuses a number used twice or out of order, as when two branches each added one', () => {
    expect(() => assertMigrationList([named('0001-baseline'), named('0002-a'), named('0002-b')])).toThrow(/0002-b comes after 0002-a/);
    expect(() => assertMigrationList([named('0002-a'), named('0001-baseline')])).toThrow(/0001-baseline comes after 0002-a/);
  });

  it('refuses a migration without a description', () => {
    expect(() => assertMigrationList([{ ...named('0001-baseline'), description: ' ' }])).toThrow(/0001-baseline has no description/);
  });
});

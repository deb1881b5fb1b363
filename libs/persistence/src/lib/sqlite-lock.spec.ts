import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { startMongo } from '../../../../tools/platform/platform.cjs';

/** FerretDB's own busy timeout, which the platform raises (tools/platform `SQLITE_PRAGMAS`). */
const FERRETDB_DEFAULT_BUSY_MS = 10_000;
/** With FerretDB's default, an insert behind a held lock fails after about twice that (21 s measured). */
const HOLD_MS = 2 * FERRETDB_DEFAULT_BUSY_MS + 2_000;

/**
 * Holds the write lock of one SQLite file, as a long GridFS write of another client does: a
 * second process (Python's sqlite3) begins an IMMEDIATE transaction, says so, and commits after
 * `ms`. The file is FerretDB's, for one database.
 */
function holdWriteLock(file: string, ms: number): Promise<ChildProcessWithoutNullStreams> {
  const script = [
    'import sqlite3, sys, time',
    'c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)',
    "c.execute('BEGIN IMMEDIATE')",
    "print('locked', flush=True)",
    'time.sleep(float(sys.argv[2]) / 1000)',
    "c.execute('COMMIT')",
  ].join('\n');
  const holder = spawn('python3', ['-c', script, file, String(ms)]);
  return new Promise((resolve, reject) => {
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before locking`)));
    holder.stdout.once('data', () => resolve(holder));
  });
}

describe('a write on FerretDB’s SQLite backend, as the platform starts it', () => {
  let mongo: Awaited<ReturnType<typeof startMongo>>;
  let dir: string;
  let connection: Connection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-lock-'));
    mongo = await startMongo({ dir, ferretdb: true });
    connection = await mongoose.createConnection(mongo.uri, { dbName: 'locktest' }).asPromise();
    // the database's file exists once something is written
    await connection.collection('things').insertOne({ _id: 'first' } as never);
  }, 60_000);

  afterAll(async () => {
    await connection?.close();
    await mongo?.stop();
  });

  it('waits for another writer’s lock for longer than FerretDB’s default lets it (22 s), and is stored, instead of failing with SQLITE_BUSY', async () => {
    const holder = await holdWriteLock(join(dir, 'locktest.sqlite'), HOLD_MS);
    const started = Date.now();
    try {
      await connection.collection('things').insertOne({ _id: 'second' } as never);
    } finally {
      holder.kill();
    }
    expect(Date.now() - started).toBeGreaterThan(2 * FERRETDB_DEFAULT_BUSY_MS);
    expect(await connection.collection('things').countDocuments({ _id: 'second' } as never)).toBe(1);
  }, 60_000);
});

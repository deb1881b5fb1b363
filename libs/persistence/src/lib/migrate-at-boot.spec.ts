import { type LoggerService, Module } from '@nestjs/common';
import { ServiceConfig } from '@site11/config';
import mongoose from 'mongoose';
import { randomBytes } from 'node:crypto';
import { migrateBeforeServing, migrateDatabase } from './migrate-at-boot';
import { type Migration, MIGRATIONS_COLLECTION } from './migrations';
import { PersistenceModule } from './persistence.module';
import type { ServiceDatabase } from './service-database';

class TestConfig extends ServiceConfig {
  TEST_DB_NAME = 'boot_test_db';
}

const uri = () => process.env['PERSISTENCE_TEST_MONGODB_URI'] as string;

function recordingLogger() {
  const lines: string[] = [];
  const logger: LoggerService = {
    log: (message: string) => lines.push(`log ${message}`),
    warn: (message: string) => lines.push(`warn ${message}`),
    error: (message: string) => lines.push(`error ${message}`),
  };
  return { logger, lines, warnings: () => lines.filter((line) => line.startsWith('warn ')).join('\n') };
}

const marking = (id: string): Migration => ({
  id,
  description: `marks ${id}`,
  up: async (db) => void (await db.collection('marks').updateOne({ _id: id as unknown as mongoose.mongo.ObjectId }, { $set: { at: new Date() } }, { upsert: true })),
});

describe('migrateDatabase: what each MIGRATE mode does (real FerretDB/MongoDB)', () => {
  let dbName: string;
  let connection: mongoose.Connection;
  const database = (migrations: Migration[]): ServiceDatabase<TestConfig> => ({ config: TestConfig, dbName: (config) => config.TEST_DB_NAME, migrations });
  const config = (MIGRATE: TestConfig['MIGRATE'], extra: Partial<TestConfig> = {}) =>
    Object.assign(new TestConfig(), { MONGODB_URI: uri(), NODE_ENV: 'test', TEST_DB_NAME: dbName, MIGRATE, INSTANCE_ID: 'boot-test-1', ...extra });
  const applied = async () => (await connection.db!.collection(MIGRATIONS_COLLECTION).find().sort({ _id: 1 }).toArray()).map((record) => record._id);

  beforeEach(async () => {
    dbName = `boot_test_${randomBytes(4).toString('hex')}`;
    connection = await mongoose.createConnection(uri(), { dbName }).asPromise();
  });

  afterEach(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('MIGRATE=auto applies the pending migrations, logs each, and lets the service serve', async () => {
    const { logger, lines } = recordingLogger();

    expect(await migrateDatabase(config('auto'), database([marking('0001-baseline'), marking('0002-next')]), logger)).toBe('serve');

    expect(await applied()).toEqual(['0001-baseline', '0002-next']);
    expect(lines).toEqual([
      expect.stringMatching(/^log Applied migration 0001-baseline in \d+ ms: marks 0001-baseline$/),
      expect.stringMatching(/^log Applied migration 0002-next in \d+ ms/),
      `log ${dbName} is migrated: 2 applied now, 2 of 2 in all`,
    ]);
  });

  it('MIGRATE=only applies the pending migrations and tells the process to exit', async () => {
    expect(await migrateDatabase(config('only'), database([marking('0001-baseline')]), recordingLogger().logger)).toBe('exit');
    expect(await applied()).toEqual(['0001-baseline']);
  });

  it('MIGRATE=only fails with the failed migration named, so the process exits non-zero', async () => {
    const failing: Migration = { id: '0002-broken', description: 'fails', up: async () => Promise.reject(new Error('cannot parse')) };

    await expect(migrateDatabase(config('only'), database([marking('0001-baseline'), failing]), recordingLogger().logger)).rejects.toThrow(
      /Migration 0002-broken failed.*cannot parse/,
    );
    expect(await applied()).toEqual(['0001-baseline']);
  });

  it('MIGRATE=off applies nothing and warns of the pending migrations', async () => {
    const { logger, warnings } = recordingLogger();

    expect(await migrateDatabase(config('off'), database([marking('0001-baseline')]), logger)).toBe('serve');

    expect(await applied()).toEqual([]);
    expect(warnings()).toContain(`MIGRATE=off, and ${dbName} has 1 pending migration(s): 0001-baseline (did the deploy's migration Job run?)`);
  });

  it('serves, in every mode, with a warning naming the migrations a newer release applied (a rollback)', async () => {
    await migrateDatabase(config('auto'), database([marking('0001-baseline'), marking('0002-newer')]), recordingLogger().logger);

    for (const mode of ['auto', 'only', 'off'] as const) {
      const { logger, warnings } = recordingLogger();
      const after = await migrateDatabase(config(mode), database([marking('0001-baseline')]), logger);
      expect(after).toBe(mode === 'only' ? 'exit' : 'serve');
      expect(warnings()).toContain(`${dbName} has migrations this build does not know, applied by a newer release: 0002-newer`);
    }
  });

  it('refuses a database not named as a test database when NODE_ENV=test', async () => {
    await expect(migrateDatabase(config('auto', { TEST_DB_NAME: 'users_db' }), database([]), recordingLogger().logger)).rejects.toThrow(
      /Refusing to run tests against "users_db"/,
    );
  });

  it('fails when the database cannot be reached, except with MIGRATE=off, which serves with a warning', async () => {
    const unreachable = { MONGODB_URI: 'mongodb://127.0.0.1:1/', MONGODB_SERVER_SELECTION_TIMEOUT_MS: 200 };
    await expect(migrateDatabase(config('auto', unreachable), database([marking('0001-baseline')]), recordingLogger().logger)).rejects.toThrow();

    const { logger, warnings } = recordingLogger();
    expect(await migrateDatabase(config('off', unreachable), database([marking('0001-baseline')]), logger)).toBe('serve');
    expect(warnings()).toContain(`MIGRATE=off, and ${dbName}'s migrations could not be checked`);
  });
});

describe('migrateBeforeServing: the migrations a root module declares, before it is built', () => {
  const saved = { ...process.env };
  let dbName: string;

  beforeEach(() => {
    dbName = `boot_test_${randomBytes(4).toString('hex')}`;
    // nothing listens on port 1: the migrations must not need Redis, as a migration Job has none to reach
    Object.assign(process.env, { NODE_ENV: 'test', MONGODB_URI: uri(), REDIS_URL: 'redis://127.0.0.1:1', TEST_DB_NAME: dbName, LOG_LEVEL: 'warn' });
  });

  afterEach(async () => {
    process.env = { ...saved };
    const connection = await mongoose.createConnection(uri(), { dbName }).asPromise();
    await connection.dropDatabase();
    await connection.close();
  });

  @Module({ imports: [PersistenceModule.forService(TestConfig, (config) => config.TEST_DB_NAME, { migrations: [marking('0001-baseline')] })] })
  class DeclaringModule {}

  @Module({})
  class DatabaselessModule {}

  it('with MIGRATE=only, applies the migrations declared with PersistenceModule.forService and answers exit, Redis unreachable', async () => {
    process.env['MIGRATE'] = 'only';

    expect(await migrateBeforeServing(DeclaringModule, 'boot-test')).toBe('exit');

    const connection = await mongoose.createConnection(uri(), { dbName }).asPromise();
    expect(await connection.db!.collection(MIGRATIONS_COLLECTION).countDocuments({ _id: '0001-baseline' as never })).toBe(1);
    await connection.close();
  });

  it('with MIGRATE left out, applies them and answers serve (auto is the default)', async () => {
    delete process.env['MIGRATE'];
    expect(await migrateBeforeServing(DeclaringModule, 'boot-test')).toBe('serve');
  });

  it('refuses a MIGRATE that is not auto, only or off, naming it', async () => {
    process.env['MIGRATE'] = 'sometimes';
    await expect(migrateBeforeServing(DeclaringModule, 'boot-test')).rejects.toThrow(/MIGRATE: .*\(got "sometimes"\)/);
  });

  it('answers serve, touching nothing, for a root module that declares no database (the gateway)', async () => {
    process.env['MIGRATE'] = 'only';
    expect(await migrateBeforeServing(DatabaselessModule, 'gateway')).toBe('serve');
  });
});

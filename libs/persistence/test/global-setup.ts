import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMongo } from '../../../tools/platform/platform.cjs';

/**
 * The outbox tests run against a real MongoDB-compatible server: MONGODB_URI when given, else a
 * FerretDB (or mongod) of this run's own. Each test file uses a fresh `*_test_*` database.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['MONGODB_URI']) {
    process.env['PERSISTENCE_TEST_MONGODB_URI'] = process.env['MONGODB_URI'];
    return;
  }
  const mongo = await startMongo({ dir: mkdtempSync(join(tmpdir(), 'persistence-mongo-')) });
  process.env['PERSISTENCE_TEST_MONGODB_URI'] = mongo.uri;
  (globalThis as Record<string, unknown>)['__PERSISTENCE_MONGO__'] = mongo;
}

import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, startMongo } from '../../../../tools/platform/platform.cjs';

/**
 * One MongoDB-compatible server for the whole run (FerretDB unless MONGODB_URI is given); every
 * stack gets its own uniquely named database on it. Redis and the apps are per test file.
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync(DATA_DIR, { recursive: true });
  const dir = mkdtempSync(join(DATA_DIR, 'e2e-'));
  process.env['E2E_DIR'] = dir;
  if (process.env['MONGODB_URI']) {
    process.env['E2E_MONGODB_URI'] = process.env['MONGODB_URI'];
    return;
  }
  const mongo = await startMongo({ dir: join(dir, 'mongo') });
  process.env['E2E_MONGODB_URI'] = mongo.uri;
  (globalThis as Record<string, unknown>)['__E2E_MONGO__'] = mongo;
}

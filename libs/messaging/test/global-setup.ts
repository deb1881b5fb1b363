import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../../../tools/platform/platform.cjs';

/**
 * The transport's tests run against a real Redis: REDIS_URL when given (every test uses its own
 * service names, so a shared server is safe), else a private redis-server for this run.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['REDIS_URL']) {
    process.env['MESSAGING_TEST_REDIS_URL'] = process.env['REDIS_URL'];
    return;
  }
  const redis = await startRedis({ dir: mkdtempSync(join(tmpdir(), 'messaging-redis-')) });
  process.env['MESSAGING_TEST_REDIS_URL'] = redis.url;
  (globalThis as Record<string, unknown>)['__MESSAGING_REDIS__'] = redis;
}

import type { FullConfig } from '@playwright/test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Platform } from './platform';
import { OUTPUT_DIR, STATE_ENV } from './state';

/**
 * Starts the whole platform once for the run (see Platform) and hands its addresses to the
 * workers through the environment (they start after this) and dist/console-web-e2e/platform.json.
 */
export default async function globalSetup(_config: FullConfig): Promise<void> {
  const started = Date.now();
  // this run's artifacts only
  for (const dir of ['screenshots', 'a11y']) rmSync(join(OUTPUT_DIR, dir), { recursive: true, force: true });
  const platform = await Platform.start();
  (globalThis as Record<string, unknown>)['__CONSOLE_WEB_E2E_PLATFORM__'] = platform;
  process.env[STATE_ENV] = JSON.stringify(platform.info);
  process.stdout.write(`[platform] up in ${Date.now() - started} ms: console at ${platform.info.baseURL}, logs in ${platform.info.logDir}\n`);
}

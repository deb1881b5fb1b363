import type { FullConfig } from '@playwright/test';
import type { Platform } from './platform';

/** Stops every process global setup started (and users instances started since). */
export default async function globalTeardown(_config: FullConfig): Promise<void> {
  const key = '__CONSOLE_WEB_E2E_PLATFORM__';
  const platform = (globalThis as Record<string, unknown>)[key] as Platform | undefined;
  delete (globalThis as Record<string, unknown>)[key];
  await platform?.stop();
}

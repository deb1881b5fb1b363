import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../../tools/platform/platform.cjs';

/** Artifacts of a run (not committed): screenshots, measurements, the apps' logs, reports. */
export const OUTPUT_DIR = join(ROOT, 'dist/console-web-e2e');
export const SCREENSHOT_DIR = join(OUTPUT_DIR, 'screenshots');
/** Where global setup writes the platform's addresses for the tests (and for a human). */
export const STATE_FILE = join(OUTPUT_DIR, 'platform.json');
/** The variable global setup passes the same state to the workers in. */
export const STATE_ENV = 'CONSOLE_WEB_E2E_PLATFORM';

/** The first admin, seeded by the users service from ADMIN_EMAIL / ADMIN_PASSWORD. */
export const ADMIN = { email: 'admin@console-e2e.test', password: 'console-e2e admin password' };

export interface PlatformState {
  /** The console, served by the gateway (hostname `localhost`: the refresh cookie is Secure). */
  baseURL: string;
  /** The gateway's API, for setting up data without the browser. */
  apiURL: string;
  /** The runner's control server: kill and restart the users service. */
  controlUrl: string;
  admin: { email: string; password: string };
  logDir: string;
  usersDbName: string;
  /** The mail catcher's web UI and REST API: what the apps sent (read through `PlatformClient.mailbox`). */
  mailUrl: string;
}

/** The running platform, as global setup described it. */
export function platformState(): PlatformState {
  const fromEnv = process.env[STATE_ENV];
  return JSON.parse(fromEnv ?? readFileSync(STATE_FILE, 'utf8')) as PlatformState;
}

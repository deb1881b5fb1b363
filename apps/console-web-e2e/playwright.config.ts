import { defineConfig } from '@playwright/test';
import { join } from 'node:path';

const OUTPUT_DIR = join(__dirname, '../../dist/console-web-e2e');

/**
 * The console in a real browser (Debian's Chromium; Playwright's own download is not used)
 * against the real platform, which global setup starts once: redis-server, FerretDB, users,
 * oauth and the gateway serving dist/apps/console-web. `npx nx e2e console-web-e2e`.
 *
 * The tests share that platform and run one at a time, in file order (the machine has 2 cores,
 * and some tests stop a service).
 */
export default defineConfig({
  testDir: './src',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  // generous: the machine is small and often busy; the tests wait for conditions, never for time
  timeout: 120_000,
  expect: { timeout: 15_000 },
  globalSetup: './src/support/global-setup.ts',
  globalTeardown: './src/support/global-teardown.ts',
  outputDir: join(OUTPUT_DIR, 'test-results'),
  reporter: [['list'], ['html', { outputFolder: join(OUTPUT_DIR, 'html-report'), open: 'never' }]],
  use: {
    // baseURL comes from the platform global setup started (support/fixtures.ts)
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    // DOM snapshots and sources of failed tests; no screencast (it slows a 2-core machine down)
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      // without the background-networking flags this machine refuses Chromium's connections many at a time
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});

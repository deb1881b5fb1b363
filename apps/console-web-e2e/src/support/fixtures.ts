import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, expect, type Page, test as base, type TestInfo } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Mailbox } from '../../../../tools/platform/platform.cjs';
import { platformState, type PlatformState, SCREENSHOT_DIR } from './state';

/** A user made through the API for a test: their id, email, name and password. */
export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
}

/** The platform global setup started, as a test sees it: addresses, the admin, the users service's switch. */
export class PlatformClient {
  constructor(readonly state: PlatformState) {}

  get admin(): { email: string; password: string } {
    return this.state.admin;
  }

  /** What the platform sent by mail: `await platform.mailbox.waitFor(user.email, { subject: /Reset/ })`, then `page.goto(message.links[0])`. */
  get mailbox(): Mailbox {
    return new Mailbox(this.state.mailUrl);
  }

  private async control<T>(method: 'GET' | 'POST', path: string): Promise<T> {
    const response = await fetch(`${this.state.controlUrl}${path}`, { method });
    const body = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`platform control ${method} ${path}: ${response.status} ${body.error ?? ''}`);
    return body;
  }

  /** The running users instance (its id is what the dashboard shows), if any. */
  usersInstance(): Promise<{ running: boolean; pid: number | null; instanceId: string | null }> {
    return this.control('GET', '/users');
  }

  /** SIGKILLs the users service's instance: it stops heartbeating without a word to the registry. */
  killUsers(): Promise<{ pid: number | null; instanceId: string | null }> {
    return this.control('POST', '/users/kill');
  }

  /** Starts a new users instance (if none is running) and waits until it is ready. */
  startUsers(): Promise<{ running: boolean; pid: number | null; instanceId: string | null }> {
    return this.control('POST', '/users/start');
  }

  /** Registers a user through the gateway's API (not the browser). */
  async createUser(prefix = 'someone', name = 'Someone Else'): Promise<TestUser> {
    const email = `${prefix}-${randomBytes(5).toString('hex')}@example.com`;
    const password = 'a fine e2e password';
    const response = await fetch(`${this.state.apiURL}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, name, password }),
    });
    const body = (await response.json()) as { id?: string };
    if (response.status !== 201 || !body.id) throw new Error(`registering ${email}: ${response.status} ${JSON.stringify(body)}`);
    return { id: body.id, email, name, password };
  }
}

/** What the browser reported on every page of a context: CSP violations (fatal) and uncaught errors. */
export interface BrowserReport {
  cspViolations: string[];
  pageErrors: string[];
}

const CSP_MESSAGE = /Content[- ]Security[- ]Policy/i;

/**
 * Watches every page of `context` (those open now and those opened later) for Content-Security-
 * Policy violations, as Chromium reports them on the console and as `securitypolicyviolation`
 * events (logged to the console by an init script, which CSP does not govern).
 */
export async function watchContext(context: BrowserContext): Promise<BrowserReport> {
  const report: BrowserReport = { cspViolations: [], pageErrors: [] };
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(
        `[e2e] Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (CSP_MESSAGE.test(message.text())) report.cspViolations.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => report.pageErrors.push(`${page.url()}: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return report;
}

/** Fails the test on any CSP violation; lists uncaught page errors in the output. */
export function checkReport(report: BrowserReport, testInfo: TestInfo): void {
  if (report.pageErrors.length > 0) {
    testInfo.annotations.push({ type: 'page errors', description: report.pageErrors.join('\n') });
    console.log(`[${testInfo.title}] uncaught page errors:\n  ${report.pageErrors.join('\n  ')}`);
  }
  expect(report.cspViolations, 'the Content-Security-Policy the gateway sends is never violated').toEqual([]);
}

export const test = base.extend<{ platform: PlatformClient; browserReport: BrowserReport }>({
  baseURL: async ({}, use) => {
    await use(platformState().baseURL);
  },
  platform: async ({}, use) => {
    await use(new PlatformClient(platformState()));
  },
  // every test: no CSP violation on any page of its context
  browserReport: [
    async ({ context }, use, testInfo) => {
      const report = await watchContext(context);
      await use(report);
      checkReport(report, testInfo);
    },
    { auto: true },
  ],
});

export { expect };

/** Signs in through the sign-in screen and waits for the signed-in header (Sign out, and the user's email). */
export async function signIn(page: Page, user: { email: string; password: string }, options: { emailInHeader?: boolean } = {}): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const banner = page.getByRole('banner');
  await expect(banner.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
  if (options.emailInHeader ?? true) await expect(banner.getByText(user.email, { exact: true })).toBeVisible();
}

/** A full-page screenshot of the current screen into dist/console-web-e2e/screenshots/, also attached to the report. */
export async function screenshot(page: Page, name: string, testInfo: TestInfo): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

/** Impacts that fail a screen; the others are reported. */
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

export interface A11yFinding {
  screen: string;
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/**
 * axe-core on the page as it is (WCAG 2.x A/AA rules and best practices, or only `rules`):
 * returns every finding; the test decides. Findings are also attached to the report.
 */
export async function axe(page: Page, screen: string, testInfo: TestInfo, rules?: string[]): Promise<A11yFinding[]> {
  const builder = new AxeBuilder({ page });
  const results = await (rules ? builder.withRules(rules) : builder.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])).analyze();
  const findings = results.violations.map((violation) => ({
    screen,
    id: violation.id,
    impact: violation.impact ?? 'unknown',
    help: violation.help,
    nodes: violation.nodes.map((node) => {
      // axe's own account of the node (for colour contrast: the ratio and the colours)
      const why = [...node.any, ...node.all, ...node.none].map((check) => check.message).find(Boolean);
      return `${node.target.join(' ')}${node.html ? ` ${node.html.slice(0, 80)}` : ''}${why ? ` — ${why}` : ''}`;
    }),
  }));
  await testInfo.attach(`axe-${screen}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: 'application/json' });
  return findings;
}

export function isBlocking(finding: A11yFinding): boolean {
  return BLOCKING_IMPACTS.has(finding.impact);
}

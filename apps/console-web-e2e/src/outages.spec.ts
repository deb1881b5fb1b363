import type { Locator } from '@playwright/test';
import { expect, screenshot, signIn, test } from './support/fixtures';

/** The dashboard polls every 3 s; the registry forgets a heartbeat after REGISTRY_TTL_MS (2 s here). */
const ONE_REFRESH_CYCLE_MS = 2_000 + 3_000;
/** Room for a busy machine on top of the cycle. */
const SLACK_MS = 5_000;

/**
 * Red as the page paints it: the first background behind the text that is not transparent (the
 * badge's, not its label's) has a strong red channel and weak green and blue.
 */
async function expectRed(text: Locator): Promise<void> {
  const color = await text.evaluate((element) => {
    for (let node: Element | null = element; node; node = node.parentElement) {
      const background = getComputedStyle(node).backgroundColor;
      if (background !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(background)) return background;
    }
    return 'none';
  });
  const [r, g, b] = (color.match(/\d+/g) ?? []).map(Number);
  expect({ color, red: r > 180 && g < 130 && b < 130 }).toEqual({ color, red: true });
}

test.describe('Outages', () => {
  test('a killed users instance turns red on the dashboard within one refresh cycle', async ({ page, platform }, testInfo) => {
    await signIn(page, platform.admin);
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    const users = page.getByRole('region', { name: 'users', exact: true });
    const before = await platform.usersInstance();
    expect(before.running).toBe(true);
    const row = users.getByRole('row', { name: new RegExp(`${before.instanceId}`) });
    await expect(row.getByText('Ready', { exact: true })).toBeVisible();

    try {
      const killedAt = Date.now();
      const killed = await platform.killUsers();
      expect(killed.instanceId).toBe(before.instanceId);
      const gone = row.getByText('Gone', { exact: true });
      await expect(gone).toBeVisible({ timeout: ONE_REFRESH_CYCLE_MS + SLACK_MS });
      const elapsed = Date.now() - killedAt;
      console.log(`[outage] users instance ${killed.instanceId} shown as Gone ${elapsed} ms after SIGKILL`);
      testInfo.annotations.push({ type: 'gone after', description: `${elapsed} ms` });
      await expectRed(gone);
      await expect(row.getByText('Ready', { exact: true })).toHaveCount(0);
      await screenshot(page, 'dashboard-users-down', testInfo);
    } finally {
      // later tests need the service
      await platform.startUsers();
    }

    // the new instance appears next to the gone one, ready
    const after = await platform.usersInstance();
    expect(after.instanceId).not.toBe(before.instanceId);
    await expect(users.getByRole('row', { name: new RegExp(`${after.instanceId}`) }).getByText('Ready', { exact: true })).toBeVisible({
      timeout: ONE_REFRESH_CYCLE_MS + SLACK_MS,
    });
  });

  test('a 503 from the API shows a retry banner over the screen, and Retry recovers', async ({ page, platform }, testInfo) => {
    await signIn(page, platform.admin);
    // the gateway's answer when no instance of a service is live
    let refused = 0;
    const usersList = /\/api\/v1\/users(\?|$)/;
    await page.route(usersList, async (route) => {
      refused += 1;
      await route.fulfill({
        status: 503,
        headers: { 'x-request-id': 'e2e-503' },
        json: { statusCode: 503, error: 'Service Unavailable', message: 'No instance of users is available', code: 'SERVICE_UNAVAILABLE', requestId: 'e2e-503' },
      });
    });

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users', exact: true }).click();
    // not a blank page: the screen stays, with the banner on it
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
    const banner = page.getByRole('main').getByRole('alert');
    await expect(banner).toBeVisible({ timeout: 15_000 });
    await expect(banner).toContainText('Service unavailable');
    await expect(banner).toContainText('e2e-503');
    const retry = banner.getByRole('button', { name: 'Retry' });
    await expect(retry).toBeVisible();
    await expect(page.getByRole('banner').getByText(platform.admin.email, { exact: true })).toBeVisible();
    await screenshot(page, 'users-503', testInfo);
    expect(refused).toBeGreaterThanOrEqual(1);

    await page.unroute(usersList);
    await retry.click();
    await expect(banner).toHaveCount(0);
    await expect(page.getByRole('table').getByRole('row').filter({ hasText: platform.admin.email })).toHaveCount(1);
  });

  test('with the users service down for real, the users screen offers Retry and recovers once it is back', async ({ page, platform }, testInfo) => {
    await signIn(page, platform.admin);
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    try {
      await platform.killUsers();
      // let the registry see it gone, so the gateway answers 503 at once instead of waiting for its deadline
      await page.waitForTimeout(2_500);
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
      const banner = page.getByRole('main').getByRole('alert');
      await expect(banner).toBeVisible({ timeout: 30_000 });
      await expect(banner.getByRole('button', { name: 'Retry' })).toBeVisible();
      await screenshot(page, 'users-service-down', testInfo);
    } finally {
      await platform.startUsers();
    }
    await page.getByRole('main').getByRole('alert').getByRole('button', { name: 'Retry' }).click();
    await expect(page.getByRole('table').getByRole('row').filter({ hasText: platform.admin.email })).toHaveCount(1, { timeout: 15_000 });
    await expect(page.getByRole('main').getByRole('alert')).toHaveCount(0);
  });
});

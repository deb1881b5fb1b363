import type { Page, Response } from '@playwright/test';
import { expect, signIn, test } from './support/fixtures';

const REFRESH = '/api/v1/console/session/refresh';

/** Statuses of every refresh of the console session a page makes. */
function recordRefreshes(page: Page, into: number[]): void {
  page.on('response', (response: Response) => {
    if (new URL(response.url()).pathname === REFRESH) into.push(response.status());
  });
}

async function expectSignedIn(page: Page, email: string): Promise<void> {
  await expect(page.getByRole('banner').getByText(email, { exact: true })).toBeVisible();
  await expect(page).not.toHaveURL(/\/login$/);
}

test.describe('Session', () => {
  test('a reload signs the console in again silently with the refresh cookie', async ({ page, platform }) => {
    await signIn(page, platform.admin);
    // from here on (before signing in, the page load's refresh has no cookie and gets its 401)
    const refreshes: number[] = [];
    recordRefreshes(page, refreshes);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'My account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();

    for (let i = 0; i < 3; i++) {
      await page.reload();
      await expectSignedIn(page, platform.admin.email);
      await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();
    }
    // the access token lives in memory only: every load renews it with the cookie, which works every time
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect(refreshes.every((status) => status === 200), `refresh statuses: ${refreshes.join(', ')}`).toBe(true);
  });

  test('two tabs reloading at once share the session without tripping refresh-token reuse detection', async ({ context, page, platform }) => {
    await signIn(page, platform.admin);
    // from here on (before signing in, the page load's refresh has no cookie and gets its 401)
    const refreshes: number[] = [];
    recordRefreshes(page, refreshes);

    const second = await context.newPage();
    recordRefreshes(second, refreshes);
    await second.goto('/users');
    await expectSignedIn(second, platform.admin.email);
    await expect(second.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

    // both tabs renew with the one cookie at the same time, several times over
    for (let round = 0; round < 3; round++) {
      await Promise.all([page.reload(), second.reload()]);
      await expectSignedIn(page, platform.admin.email);
      await expectSignedIn(second, platform.admin.email);
    }
    // a spent refresh token presented again would have ended every session: both tabs still work
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'My account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();
    await second.getByRole('searchbox').fill(platform.admin.email.slice(0, 6));
    await expect(second.getByRole('table').getByRole('row').filter({ hasText: platform.admin.email })).toHaveCount(1);
    // and a later load in either tab still finds a working cookie
    await second.reload();
    await expectSignedIn(second, platform.admin.email);
    await page.reload();
    await expectSignedIn(page, platform.admin.email);

    expect(refreshes.every((status) => status === 200), `refresh statuses: ${refreshes.join(', ')}`).toBe(true);
  });
});

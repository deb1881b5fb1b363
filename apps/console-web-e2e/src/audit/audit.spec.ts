import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Audit log screen', () => {
  test('an admin finds a key rotation in the log by its action, verifies the chain, and sees it under My account', async ({
    page,
    platform,
  }, testInfo) => {
    // an audited action, done through the API with a user agent of its own
    const login = await fetch(`${platform.state.apiURL}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(platform.admin),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const rotated = await fetch(`${platform.state.apiURL}/auth/keys/rotate`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${accessToken}`,
        'user-agent': 'console-e2e audit',
      },
    });
    expect(rotated.status).toBe(200);
    const { kid } = (await rotated.json()) as { kid: string };

    await signIn(page, platform.admin);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Audit log', exact: true }).click();
    await expect(page).toHaveURL(/\/audit$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();

    await page.getByLabel('Action').selectOption('oauth.keys.rotated');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table', { name: 'Audit log' });
    // records reach the log through streams: a reload of the filter until it is there
    await expect(async () => {
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await expect(table.getByRole('row').filter({ hasText: `key:${kid}` })).toHaveCount(1, { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const row = table.getByRole('row').filter({ hasText: `key:${kid}` });
    await expect(row).toContainText('Success');
    await expect(row).toContainText('console-e2e audit');
    await expect(table.getByRole('row').filter({ hasNotText: 'oauth.keys.rotated' })).toHaveCount(1); // the header row only

    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The chain is intact' })).toBeVisible();
    await screenshot(page, 'audit-log', testInfo);
    expect((await axe(page, 'audit-log', testInfo)).filter(isBlocking)).toEqual([]);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'My account', exact: true }).click();
    const activity = page.getByRole('region', {
      name: 'Recent security activity',
    });
    await expect(activity.getByRole('row').filter({ hasText: 'oauth.keys.rotated' }).first()).toBeVisible();
    expect((await axe(page, 'account-activity', testInfo)).filter(isBlocking)).toEqual([]);
  });
});

import type { Page } from '@playwright/test';
import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

const WIDGETS = ['New users', 'Sign-ins', 'Active apps', 'Storage', 'Imports'];

/** The total the "New users" widget shows, as a number (the widget writes it as `1,234`). */
async function newUsers(page: Page): Promise<number> {
  const value = page.getByRole('group', { name: 'New users', exact: true }).getByTestId('widget-value');
  await expect(value).toHaveText(/\d/);
  return Number((await value.textContent())?.replace(/\D/g, ''));
}

/** The widget's total after a reload of the page (the widgets read the summary when the screen opens). */
async function newUsersAfterReload(page: Page): Promise<number> {
  await page.reload();
  return newUsers(page);
}

test.describe('Activity widgets on the home screen (statistics service)', () => {
  test('an admin sees three registrations counted by the "New users" widget, exactly', async ({ page, platform }, testInfo) => {
    await signIn(page, platform.admin);
    await expect(page).toHaveURL(/\/$/);
    const activity = page.getByRole('region', { name: 'Activity' });
    await expect(activity.getByText('Everyone’s activity')).toBeVisible();
    await expect(activity.getByRole('radio', { name: '7 days' })).toBeChecked();
    for (const name of WIDGETS) await expect(activity.getByRole('group', { name, exact: true }).getByTestId('widget-value')).toBeVisible();
    await expect(activity.getByRole('group', { name: 'Storage', exact: true }).getByTestId('widget-value')).toHaveText(/^\d+(\.\d)?\s?(B|kB|MB|GB)$/);

    // the count before, once settled: registrations of earlier tests may still be on their way to statistics
    let before = await newUsers(page);
    await expect
      .poll(async () => {
        const now = await newUsersAfterReload(page);
        const settled = now === before;
        before = now;
        return settled;
      })
      .toBe(true);

    for (let n = 1; n <= 3; n++) await platform.createUser('counted', `Counted Person ${n}`);

    // statistics counts asynchronously (usually within a second): reload until the widget has them
    await expect.poll(() => newUsersAfterReload(page), { timeout: 20_000 }).toBe(before + 3);
    const users = page.getByRole('group', { name: 'New users', exact: true });
    await expect(users.getByTestId('widget-value')).toHaveText(new Intl.NumberFormat('en-GB').format(before + 3));
    // the change from the previous 7 days, in words for screen readers too
    await expect(users.getByText(/^((up|down) \d.* from previous period|no change from previous period)$/)).toBeAttached();
    await screenshot(page, 'dashboard-activity', testInfo);
    expect((await axe(page, 'dashboard-activity', testInfo)).filter(isBlocking)).toEqual([]);

    // the last 24 hours have the three too (the segmented control's radios are visually hidden: its labels take the clicks)
    await activity.getByText('24 hours', { exact: true }).click();
    await expect.poll(() => newUsers(page)).toBeGreaterThanOrEqual(3);
    await expect(activity.getByRole('radio', { name: '24 hours' })).toBeChecked();
  });
});

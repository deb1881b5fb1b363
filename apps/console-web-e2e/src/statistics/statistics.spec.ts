import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Statistics page (statistics service)', () => {
  test('an admin charts a metric, is told to use a coarser interval, groups sign-ins by outcome and sees the top list', async ({ page, platform }, testInfo) => {
    await platform.createUser('charted', 'Charted Person');
    await signIn(page, platform.admin);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Statistics', exact: true }).click();
    await expect(page).toHaveURL(/\/statistics$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Statistics' })).toBeVisible();
    await expect(page.getByRole('group', { name: 'New users', exact: true }).getByTestId('widget-value')).toBeVisible();

    // new users over the last 7 days, per hour, on the browser's clock (the config's Europe/London)
    const explore = page.getByRole('region', { name: 'Over time' });
    await expect(explore.getByRole('combobox', { name: 'Metric' })).toHaveValue('users.created');
    await expect(explore.getByText('Accounts registered (or created by an admin) (a count per slot, in counts)')).toBeVisible();
    await expect(explore.getByRole('combobox', { name: 'Time zone' })).toHaveValue('Europe/London');
    await expect(explore.getByRole('radio', { name: 'Last 7 days' })).toBeChecked();
    await expect(explore.getByRole('radio', { name: 'Hour', exact: true })).toBeChecked();
    const total = explore.getByTestId('series-total');
    await expect.poll(async () => Number((await total.textContent())?.replace(/\D/g, '') ?? 0)).toBeGreaterThanOrEqual(1);
    const figure = explore.getByRole('figure', { name: /^users\.created per hour, Last 7 days/ });
    await expect(figure.locator('svg.recharts-surface').first()).toBeVisible();

    // its numbers as a table: one row per hour of the 7 days (the first hour rounded down)
    await explore.getByRole('button', { name: 'Show the data as a table' }).click();
    const table = explore.getByRole('table', { name: /^users\.created per hour/ });
    await expect(table.getByRole('columnheader')).toHaveText(['Time', 'Value']);
    await expect.poll(() => table.getByRole('row').count()).toBeGreaterThanOrEqual(1 + 7 * 24);

    // minutes over 30 days are too many points: said in words, with a coarser interval a click away
    // (the segmented controls' radios are visually hidden: their labels take the clicks)
    await explore.getByText('Last 30 days', { exact: true }).click();
    await expect(explore.getByRole('radio', { name: 'Day', exact: true })).toBeChecked();
    await explore.getByText('Minute', { exact: true }).click();
    const alert = explore.getByRole('alert');
    await expect(alert).toContainText('This range has too many points at this interval (more than 20,000).');
    await alert.getByRole('button', { name: 'Show per hour' }).click();
    await expect(alert).toBeHidden();
    await expect(explore.getByRole('radio', { name: 'Hour', exact: true })).toBeChecked();
    await expect(total).toBeVisible();

    // a custom range the wrong way round is refused before asking
    await explore.getByText('Custom', { exact: true }).click();
    await expect(explore.getByLabel(/^From\b/)).not.toHaveValue('');
    await explore.getByLabel(/^To\b/).fill('2020-01-01T00:00');
    await expect(explore.getByText('The start of the range must be before its end.')).toBeVisible();
    await explore.getByText('Last 24 hours', { exact: true }).click();

    // sign-ins, successful or not, one line per outcome: the admin's own sign-in succeeded
    await explore.getByRole('combobox', { name: 'Metric' }).selectOption('oauth.login');
    await explore.getByRole('combobox', { name: 'Group by' }).selectOption('outcome');
    await expect(explore.getByRole('table', { name: /^oauth\.login per hour, Last 24 hours/ }).getByRole('columnheader', { name: 'success' })).toBeVisible();

    // the largest groups over the same range
    const top = page.getByRole('region', { name: 'Top' });
    await expect(top.getByText('The largest groups of oauth.login over the same range')).toBeVisible();
    await top.getByRole('combobox', { name: 'By' }).selectOption('event');
    await expect(top.getByRole('table').getByRole('row').filter({ hasText: 'oauth.login.succeeded' })).toHaveCount(1);
    await screenshot(page, 'statistics', testInfo);
    expect((await axe(page, 'statistics', testInfo)).filter(isBlocking)).toEqual([]);

    await page.getByRole('main').getByRole('link', { name: 'Reports', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  });
});

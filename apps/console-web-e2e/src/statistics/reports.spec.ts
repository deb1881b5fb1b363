import type { Download, Locator, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

const DAY_MS = 86_400_000;
const utcDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Clicks `button` and returns the download it starts. */
async function downloadBy(page: Page, button: Locator): Promise<Download> {
  const download = page.waitForEvent('download');
  await button.click();
  return download;
}

test.describe('Reports screen (statistics service)', () => {
  test('a user generates a CSV report of the last 7 days, sees it completed, downloads it and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('reports', 'Owner Of Reports');
    await signIn(page, owner);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports', exact: true }).click();
    await expect(page).toHaveURL(/\/statistics\/reports$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
    const list = page.getByRole('region', { name: 'Generated reports' });
    await expect(list.getByText('No reports yet.')).toBeVisible();

    const form = page.getByRole('region', { name: 'Generate a report' });
    await expect(form.getByRole('radio', { name: /^Usage/ })).toBeChecked();
    await expect(form.getByRole('radio', { name: 'CSV' })).toBeChecked();
    const from = form.getByLabel('First day');
    const to = form.getByLabel('Last day');
    const generate = form.getByRole('button', { name: 'Generate report' });

    // the contract's rules, in the browser: days the API would refuse are refused before asking
    await from.fill('2025-01-31');
    await to.fill('2025-01-01');
    await generate.click();
    await expect(form.getByText('The last day cannot be before the first')).toBeVisible();
    await from.fill('2024-01-01');
    await to.fill('2025-01-01');
    await generate.click();
    await expect(form.getByText('A report covers at most 366 days')).toBeVisible();

    // the last 7 UTC days, today included
    const today = Date.now();
    const first = utcDay(today - 6 * DAY_MS);
    const last = utcDay(today);
    const filename = `usage-${first}-${last}.csv`;
    await from.fill(first);
    await to.fill(last);
    await generate.click();
    await expect(form.getByRole('status')).toHaveText(`${filename} is being generated: follow it in the list below.`);

    // generated in the background; the list follows it until it is completed
    const row = list.getByRole('row').filter({ hasText: filename });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('report-status')).toHaveText('Completed', { timeout: 30_000 });
    await expect(row).toContainText('Usage · CSV');
    await screenshot(page, 'statistics-reports', testInfo);
    expect((await axe(page, 'statistics-reports', testInfo)).filter(isBlocking)).toEqual([]);

    // fetched with the session's token, saved under the report's name
    const download = await downloadBy(page, row.getByRole('button', { name: `Download ${filename}` }));
    expect(download.suggestedFilename()).toBe(filename);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    const header = (lines[0] ?? '').split(',');
    expect(header[0]).toBe('slot');
    expect(header).toContain('users.created');
    expect(header).toContain('oauth.login.succeeded');
    // one row per day, then the totals: a user's report covers their own events, their registration among them
    expect(lines).toHaveLength(1 + 7 + 1);
    const totals = (lines.at(-1) ?? '').split(',');
    expect(totals[0]).toBe('total');
    expect(totals[header.indexOf('users.created')]).toBe('1');
    await expect(list.getByRole('status')).toHaveText(`Downloaded ${filename}`);

    await row.getByRole('button', { name: `Delete ${filename}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this report?' });
    await expect(dialog).toContainText(filename);
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toHaveCount(0);
    await expect(list.getByText('No reports yet.')).toBeVisible();
  });
});

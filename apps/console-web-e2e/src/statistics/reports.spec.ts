import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Reports screens (statistics service)', () => {
  test('a user creates a report, changes it, finds it by search and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('reports', 'Owner Of Reports');
    await signIn(page, owner);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reports', exact: true }).click();
    await expect(page).toHaveURL(/\/statistics\/reports$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
    await expect(page.getByText('No reports yet.')).toBeVisible();

    await page.getByRole('link', { name: 'New report' }).click();
    const create = page.getByRole('button', { name: 'Create report' });
    // the contracts' rules, in the browser: no request for an empty name
    await create.click();
    await expect(page.getByText('The name must be 1 to 100 characters long')).toBeVisible();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Quarterly report');
    await page.getByRole('textbox', { name: 'Description' }).fill('Made in a real browser');
    await create.click();
    await expect(page).toHaveURL(/\/statistics\/reports\/[0-9a-f]{24}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Quarterly report' })).toBeVisible();
    await screenshot(page, 'statistics-report', testInfo);
    expect((await axe(page, 'statistics-report', testInfo)).filter(isBlocking)).toEqual([]);

    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('textbox', { name: /^Name/ }).fill('Renamed report');
    await details.getByRole('button', { name: 'Save changes' }).click();
    await expect(details.getByRole('status')).toHaveText('Changes saved');
    // saved on the server: a reload reads it back
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Renamed report' })).toBeVisible();

    // a second one, so that the search has something to leave out
    await page.getByRole('link', { name: 'Back to reports' }).click();
    await page.getByRole('link', { name: 'New report' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Other report');
    await page.getByRole('button', { name: 'Create report' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Other report' })).toBeVisible();

    await page.getByRole('link', { name: 'Back to reports' }).click();
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(3);
    await page.getByRole('searchbox').fill('renamed');
    await expect(rows).toHaveCount(2); // the header row and the one match
    await expect(rows.filter({ hasText: 'Renamed report' })).toHaveCount(1);
    await page.getByRole('searchbox').fill('quarterly');
    await expect(page.getByText('No report matches “quarterly”.')).toBeVisible();
    await page.getByRole('searchbox').fill('');
    await expect(rows).toHaveCount(3);
    await screenshot(page, 'statistics-reports', testInfo);
    expect((await axe(page, 'statistics-reports', testInfo)).filter(isBlocking)).toEqual([]);

    await rows.getByRole('link', { name: 'Renamed report' }).click();
    await page.getByRole('button', { name: 'Delete report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this report?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/statistics\/reports$/);
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'Renamed report' })).toHaveCount(0);
  });
});

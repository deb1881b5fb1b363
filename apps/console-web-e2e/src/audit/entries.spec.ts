import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Entries screens (audit service)', () => {
  test('a user creates an entry, changes it, finds it by search and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('entries', 'Owner Of Entries');
    await signIn(page, owner);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Entries', exact: true }).click();
    await expect(page).toHaveURL(/\/audit\/entries$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Entries' })).toBeVisible();
    await expect(page.getByText('No entries yet.')).toBeVisible();

    await page.getByRole('link', { name: 'New entry' }).click();
    const create = page.getByRole('button', { name: 'Create entry' });
    // the contracts' rules, in the browser: no request for an empty name
    await create.click();
    await expect(page.getByText('The name must be 1 to 100 characters long')).toBeVisible();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Quarterly entry');
    await page.getByRole('textbox', { name: 'Description' }).fill('Made in a real browser');
    await create.click();
    await expect(page).toHaveURL(/\/audit\/entries\/[0-9a-f]{24}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Quarterly entry' })).toBeVisible();
    await screenshot(page, 'audit-entry', testInfo);
    expect((await axe(page, 'audit-entry', testInfo)).filter(isBlocking)).toEqual([]);

    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('textbox', { name: /^Name/ }).fill('Renamed entry');
    await details.getByRole('button', { name: 'Save changes' }).click();
    await expect(details.getByRole('status')).toHaveText('Changes saved');
    // saved on the server: a reload reads it back
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Renamed entry' })).toBeVisible();

    // a second one, so that the search has something to leave out
    await page.getByRole('link', { name: 'Back to entries' }).click();
    await page.getByRole('link', { name: 'New entry' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Other entry');
    await page.getByRole('button', { name: 'Create entry' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Other entry' })).toBeVisible();

    await page.getByRole('link', { name: 'Back to entries' }).click();
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(3);
    await page.getByRole('searchbox').fill('renamed');
    await expect(rows).toHaveCount(2); // the header row and the one match
    await expect(rows.filter({ hasText: 'Renamed entry' })).toHaveCount(1);
    await page.getByRole('searchbox').fill('quarterly');
    await expect(page.getByText('No entry matches “quarterly”.')).toBeVisible();
    await page.getByRole('searchbox').fill('');
    await expect(rows).toHaveCount(3);
    await screenshot(page, 'audit-entries', testInfo);
    expect((await axe(page, 'audit-entries', testInfo)).filter(isBlocking)).toEqual([]);

    await rows.getByRole('link', { name: 'Renamed entry' }).click();
    await page.getByRole('button', { name: 'Delete entry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this entry?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/audit\/entries$/);
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'Renamed entry' })).toHaveCount(0);
  });
});

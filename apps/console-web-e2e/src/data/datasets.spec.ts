import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Datasets screens (data service)', () => {
  test('a user creates a dataset, changes it, finds it by search and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('datasets', 'Owner Of Datasets');
    await signIn(page, owner);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Datasets', exact: true }).click();
    await expect(page).toHaveURL(/\/data\/datasets$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Datasets' })).toBeVisible();
    await expect(page.getByText('No datasets yet.')).toBeVisible();

    await page.getByRole('link', { name: 'New dataset' }).click();
    const create = page.getByRole('button', { name: 'Create dataset' });
    // the contracts' rules, in the browser: no request for an empty name
    await create.click();
    await expect(page.getByText('The name must be 1 to 100 characters long')).toBeVisible();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Quarterly dataset');
    await page.getByRole('textbox', { name: 'Description' }).fill('Made in a real browser');
    await create.click();
    await expect(page).toHaveURL(/\/data\/datasets\/[0-9a-f]{24}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Quarterly dataset' })).toBeVisible();
    await screenshot(page, 'data-dataset', testInfo);
    expect((await axe(page, 'data-dataset', testInfo)).filter(isBlocking)).toEqual([]);

    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('textbox', { name: /^Name/ }).fill('Renamed dataset');
    await details.getByRole('button', { name: 'Save changes' }).click();
    await expect(details.getByRole('status')).toHaveText('Changes saved');
    // saved on the server: a reload reads it back
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Renamed dataset' })).toBeVisible();

    // a second one, so that the search has something to leave out
    await page.getByRole('link', { name: 'Back to datasets' }).click();
    await page.getByRole('link', { name: 'New dataset' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Other dataset');
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Other dataset' })).toBeVisible();

    await page.getByRole('link', { name: 'Back to datasets' }).click();
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(3);
    await page.getByRole('searchbox').fill('renamed');
    await expect(rows).toHaveCount(2); // the header row and the one match
    await expect(rows.filter({ hasText: 'Renamed dataset' })).toHaveCount(1);
    await page.getByRole('searchbox').fill('quarterly');
    await expect(page.getByText('No dataset matches “quarterly”.')).toBeVisible();
    await page.getByRole('searchbox').fill('');
    await expect(rows).toHaveCount(3);
    await screenshot(page, 'data-datasets', testInfo);
    expect((await axe(page, 'data-datasets', testInfo)).filter(isBlocking)).toEqual([]);

    await rows.getByRole('link', { name: 'Renamed dataset' }).click();
    await page.getByRole('button', { name: 'Delete dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this dataset?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/data\/datasets$/);
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'Renamed dataset' })).toHaveCount(0);
  });
});

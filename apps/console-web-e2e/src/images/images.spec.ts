import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Images screens (images service)', () => {
  test('a user creates an image, changes it, finds it by search and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('images', 'Owner Of Images');
    await signIn(page, owner);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Images', exact: true }).click();
    await expect(page).toHaveURL(/\/images\/images$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible();
    await expect(page.getByText('No images yet.')).toBeVisible();

    await page.getByRole('link', { name: 'New image' }).click();
    const create = page.getByRole('button', { name: 'Create image' });
    // the contracts' rules, in the browser: no request for an empty name
    await create.click();
    await expect(page.getByText('The name must be 1 to 100 characters long')).toBeVisible();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Quarterly image');
    await page.getByRole('textbox', { name: 'Description' }).fill('Made in a real browser');
    await create.click();
    await expect(page).toHaveURL(/\/images\/images\/[0-9a-f]{24}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Quarterly image' })).toBeVisible();
    await screenshot(page, 'images-image', testInfo);
    expect((await axe(page, 'images-image', testInfo)).filter(isBlocking)).toEqual([]);

    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('textbox', { name: /^Name/ }).fill('Renamed image');
    await details.getByRole('button', { name: 'Save changes' }).click();
    await expect(details.getByRole('status')).toHaveText('Changes saved');
    // saved on the server: a reload reads it back
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Renamed image' })).toBeVisible();

    // a second one, so that the search has something to leave out
    await page.getByRole('link', { name: 'Back to images' }).click();
    await page.getByRole('link', { name: 'New image' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Other image');
    await page.getByRole('button', { name: 'Create image' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Other image' })).toBeVisible();

    await page.getByRole('link', { name: 'Back to images' }).click();
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(3);
    await page.getByRole('searchbox').fill('renamed');
    await expect(rows).toHaveCount(2); // the header row and the one match
    await expect(rows.filter({ hasText: 'Renamed image' })).toHaveCount(1);
    await page.getByRole('searchbox').fill('quarterly');
    await expect(page.getByText('No image matches “quarterly”.')).toBeVisible();
    await page.getByRole('searchbox').fill('');
    await expect(rows).toHaveCount(3);
    await screenshot(page, 'images-images', testInfo);
    expect((await axe(page, 'images-images', testInfo)).filter(isBlocking)).toEqual([]);

    await rows.getByRole('link', { name: 'Renamed image' }).click();
    await page.getByRole('button', { name: 'Delete image' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this image?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/images\/images$/);
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'Renamed image' })).toHaveCount(0);
  });
});

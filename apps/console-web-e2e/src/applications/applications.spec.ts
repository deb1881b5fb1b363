import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Applications screens (applications service)', () => {
  test('a user creates an application, changes it, finds it by search and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('applications', 'Owner Of Applications');
    await signIn(page, owner);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Applications', exact: true }).click();
    await expect(page).toHaveURL(/\/applications\/applications$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Applications' })).toBeVisible();
    await expect(page.getByText('No applications yet.')).toBeVisible();

    await page.getByRole('link', { name: 'New application' }).click();
    const create = page.getByRole('button', { name: 'Create application' });
    // the contracts' rules, in the browser: no request for an empty name
    await create.click();
    await expect(page.getByText('The name must be 1 to 100 characters long')).toBeVisible();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Quarterly application');
    await page.getByRole('textbox', { name: 'Description' }).fill('Made in a real browser');
    await create.click();
    await expect(page).toHaveURL(/\/applications\/applications\/[0-9a-f]{24}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Quarterly application' })).toBeVisible();
    await screenshot(page, 'applications-application', testInfo);
    expect((await axe(page, 'applications-application', testInfo)).filter(isBlocking)).toEqual([]);

    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('textbox', { name: /^Name/ }).fill('Renamed application');
    await details.getByRole('button', { name: 'Save changes' }).click();
    await expect(details.getByRole('status')).toHaveText('Changes saved');
    // saved on the server: a reload reads it back
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Renamed application' })).toBeVisible();

    // a second one, so that the search has something to leave out
    await page.getByRole('link', { name: 'Back to applications' }).click();
    await page.getByRole('link', { name: 'New application' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Other application');
    await page.getByRole('button', { name: 'Create application' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Other application' })).toBeVisible();

    await page.getByRole('link', { name: 'Back to applications' }).click();
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows).toHaveCount(3);
    await page.getByRole('searchbox').fill('renamed');
    await expect(rows).toHaveCount(2); // the header row and the one match
    await expect(rows.filter({ hasText: 'Renamed application' })).toHaveCount(1);
    await page.getByRole('searchbox').fill('quarterly');
    await expect(page.getByText('No application matches “quarterly”.')).toBeVisible();
    await page.getByRole('searchbox').fill('');
    await expect(rows).toHaveCount(3);
    await screenshot(page, 'applications-applications', testInfo);
    expect((await axe(page, 'applications-applications', testInfo)).filter(isBlocking)).toEqual([]);

    await rows.getByRole('link', { name: 'Renamed application' }).click();
    await page.getByRole('button', { name: 'Delete application' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this application?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/applications\/applications$/);
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'Renamed application' })).toHaveCount(0);
  });
});

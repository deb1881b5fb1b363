import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

test.describe('Applications screens', () => {
  test('a developer registers an application, copies its secret once, rotates it, renames it, versions its configuration, releases it and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('developer', 'Dev Eloper');
    await signIn(page, owner);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Applications', exact: true }).click();
    await expect(page).toHaveURL(/\/applications$/);
    await expect(page.getByText('No applications yet.')).toBeVisible();
    await page.getByRole('link', { name: 'Register application' }).click();

    await page.getByRole('textbox', { name: /^Name/ }).fill('Quarterly reports');
    const redirects = page.getByRole('textbox', { name: 'Redirect URIs', exact: true });
    // refused in the browser before any request: http on a public host
    await redirects.fill('http://reports.example.com/callback');
    await page.getByRole('button', { name: 'Register application' }).click();
    await expect(page.getByText('Each line must be an https URL (http only for localhost), without a #fragment')).toBeVisible();
    await redirects.fill('https://reports.example.com/callback\nhttp://127.0.0.1:8123/callback');
    await page.getByRole('button', { name: 'Register application' }).click();

    // the secret, shown this once
    const secretNotice = page.getByRole('status').filter({ hasText: 'Client secret' });
    await expect(secretNotice).toContainText('it is shown only this once');
    const secret = await secretNotice.locator('code').textContent();
    expect(secret).toMatch(/^s11cs_[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'application-registered', testInfo);
    expect((await axe(page, 'application-registered', testInfo)).filter(isBlocking)).toEqual([]);

    await page.getByRole('link', { name: 'Application Quarterly reports' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Quarterly reports' })).toBeVisible();
    await expect(page.getByTestId('client-id')).toHaveText(/^[A-Za-z0-9_-]{22}$/);
    // never shown again
    await expect(page.getByText(secret as string)).toHaveCount(0);
    await expect(page.getByRole('textbox', { name: 'Redirect URIs', exact: true })).toHaveValue('https://reports.example.com/callback\nhttp://127.0.0.1:8123/callback');
    await screenshot(page, 'application', testInfo);
    expect((await axe(page, 'application', testInfo)).filter(isBlocking)).toEqual([]);

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('dialog', { name: 'Rotate the client secret?' }).getByRole('button', { name: 'Rotate' }).click();
    const rotated = page.getByRole('status').filter({ hasText: 'Client secret' });
    await expect(rotated).toContainText('The previous secret works until');
    expect(await rotated.locator('code').textContent()).not.toBe(secret);

    const registration = page.getByRole('region', { name: 'Registration' });
    await registration.getByRole('textbox', { name: /^Name/ }).fill('Annual reports');
    await registration.getByRole('button', { name: 'Save changes' }).click();
    await expect(registration.getByRole('status')).toHaveText('Changes saved');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Annual reports' })).toBeVisible();

    // configuration: two versions, the changes between them, a rollback; then a release pinning it
    await page.getByRole('tab', { name: 'Configuration' }).click();
    await expect(page.getByText('Nothing has been published for production yet.')).toBeVisible();
    const values = page.getByRole('textbox', { name: 'Values (JSON)' });
    const message = page.getByRole('textbox', { name: 'Message' });
    await values.fill('{ "featureX": true, "limits": { "rps": 10 } }');
    await message.fill('First limits');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect(page.getByText('Version 1 published')).toBeVisible();
    await values.fill('{ "featureX": false, "limits": { "rps": 20 } }');
    await message.fill('Raise the limit');
    await page.getByRole('button', { name: 'Publish' }).click();
    await expect(page.getByText('Version 2 published')).toBeVisible();
    await page.getByRole('button', { name: 'Compare with latest (1)' }).click();
    const diff = page.getByRole('region', { name: 'Changes from version 1 to 2' });
    await expect(diff.getByRole('row').filter({ hasText: '/limits/rps' })).toContainText('20');
    await screenshot(page, 'application-config', testInfo);
    expect((await axe(page, 'application-config', testInfo)).filter(isBlocking)).toEqual([]);
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    await expect(page.getByText(/^Version 3 · Roll back to version 1/)).toBeVisible();
    await expect(values).toHaveValue(/"rps": 10/);

    await page.getByRole('tab', { name: 'Releases' }).click();
    await expect(page.getByText('No releases yet.')).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'production version' })).toHaveValue('3');
    await page.getByRole('textbox', { name: /^Version/ }).fill('1.0.0');
    await page.getByRole('button', { name: 'Make release' }).click();
    await expect(page.getByText('Release 1.0.0 made')).toBeVisible();
    await expect(page.getByRole('table').getByRole('row').filter({ hasText: '1.0.0' })).toContainText('production@3');

    await page.getByRole('button', { name: 'Delete application' }).click();
    await page.getByRole('dialog', { name: 'Delete this application?' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/applications$/);
    await expect(page.getByText('No applications yet.')).toBeVisible();
  });
});

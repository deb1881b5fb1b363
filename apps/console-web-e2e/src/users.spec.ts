import { expect, screenshot, signIn, test } from './support/fixtures';

test.describe('Users screen', () => {
  test('an admin finds a user by the start of their email, renames them, and signs out', async ({ page, platform }, testInfo) => {
    const user = await platform.createUser('findme', 'Findable Person');
    await signIn(page, platform.admin);

    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users', exact: true }).click();
    await expect(page).toHaveURL(/\/users$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
    const search = page.getByRole('searchbox');
    await expect(search).toHaveAttribute('placeholder', 'Search');
    await expect(page.getByPlaceholder('Search')).toBeVisible();

    // the email's start: `findme-` plus the first characters of its random part
    const prefix = user.email.slice(0, 'findme-'.length + 4);
    await search.fill(prefix);
    const rows = page.getByRole('table').getByRole('row');
    const found = rows.filter({ hasText: user.email });
    await expect(found).toHaveCount(1);
    // only users whose email or name starts with the prefix: not the admin
    await expect(rows.filter({ hasText: platform.admin.email })).toHaveCount(0);
    await expect(rows).toHaveCount(2); // the header row and the one match
    await screenshot(page, 'users', testInfo);

    await found.getByRole('link', { name: user.name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/users/${user.id}$`));
    await expect(page.getByRole('heading', { level: 1, name: user.name })).toBeVisible();
    await expect(page.getByText(user.email)).toBeVisible();
    await screenshot(page, 'user-detail', testInfo);

    const profile = page.getByRole('region', { name: 'Profile' });
    const name = profile.getByLabel('Name', { exact: true });
    await expect(name).toHaveValue(user.name);
    const renamed = `Renamed ${user.name}`;
    await name.fill(renamed);
    await profile.getByRole('button', { name: 'Save changes' }).click();
    await expect(profile.getByRole('status')).toHaveText('Changes saved');
    await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();

    // saved on the server: a reload reads it back (and the session survives the reload)
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Profile' }).getByLabel('Name', { exact: true })).toHaveValue(renamed);
    // and the list shows the new name
    await page.getByRole('link', { name: 'Back to users' }).click();
    await page.getByRole('searchbox').fill(prefix);
    await expect(page.getByRole('table').getByRole('row').filter({ hasText: user.email })).toContainText(renamed);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    await expect(page.getByRole('banner').getByText(platform.admin.email)).toHaveCount(0);
    // the refresh cookie is gone with the session: a reload stays signed out
    await page.reload();
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    await page.goto('/users');
    await expect(page).toHaveURL(/\/login$/);
  });
});

test.describe('Registration', () => {
  test('a new user registers, lands signed in, and sees only their own profile', async ({ page }, testInfo) => {
    const email = `newcomer-${Date.now().toString(36)}@example.com`;
    await page.goto('/login');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect(page).toHaveURL(/\/register$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Create a site11 account' })).toBeVisible();

    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Name', { exact: true }).fill('New Comer');
    await page.getByLabel('Password', { exact: true }).fill('a newcomer password');
    await screenshot(page, 'register', testInfo);
    await page.getByRole('button', { name: 'Create account' }).click();

    const header = page.getByRole('banner');
    await expect(header.getByText(email, { exact: true })).toBeVisible();
    // not an admin: the start page sends them to their account
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();
    const profile = page.getByRole('region', { name: 'Profile' });
    await expect(profile.getByText(email)).toBeVisible();
    await expect(profile.getByLabel('Name', { exact: true })).toHaveValue('New Comer');

    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'My account', exact: true })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Users', exact: true })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Dashboard', exact: true })).toHaveCount(0);
    await screenshot(page, 'my-account', testInfo);

    // typing the admin address does not show the list either
    await page.goto('/users');
    await expect(header.getByText(email, { exact: true })).toBeVisible();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Users' })).toHaveCount(0);
    await expect(page.getByRole('searchbox')).toHaveCount(0);
    await expect(page.getByRole('table').getByText('admin@', { exact: false })).toHaveCount(0);
  });
});

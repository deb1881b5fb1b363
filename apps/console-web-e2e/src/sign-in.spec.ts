import { expect, screenshot, signIn, test } from './support/fixtures';

interface ServiceView {
  name: string;
  instances: { instanceId: string; status: string }[];
}

test.describe('Signing in', () => {
  test('an admin signs in and the dashboard lists every service of the registry with its instances', async ({ page, platform }, testInfo) => {
    await page.goto('/');
    // no session yet: the console sends the visitor to sign in
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to the site11 console' })).toBeVisible();
    await screenshot(page, 'sign-in', testInfo);

    await signIn(page, platform.admin);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const link of ['Dashboard', 'Users', 'My account']) await expect(nav.getByRole('link', { name: link, exact: true })).toBeVisible();

    // what the registry holds, from the same API the dashboard reads
    const login = await page.request.post(`${platform.state.apiURL}/auth/login`, { data: platform.admin });
    expect(login.status()).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const response = await page.request.get(`${platform.state.apiURL}/services`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status()).toBe(200);
    const services = (await response.json()) as ServiceView[];
    expect(services.map((service) => service.name)).toEqual(expect.arrayContaining(['users', 'oauth', 'console-gateway']));

    for (const service of services) {
      const card = page.getByRole('region', { name: service.name, exact: true });
      await expect(card).toBeVisible();
      await expect(card.getByText(service.instances.length === 1 ? '1 instance' : `${service.instances.length} instances`, { exact: true })).toBeVisible();
      for (const instance of service.instances.filter((i) => i.status === 'ready')) {
        const row = card.getByRole('row', { name: new RegExp(instance.instanceId) });
        await expect(row).toBeVisible();
        await expect(row.getByText('Ready', { exact: true })).toBeVisible();
      }
    }
    // the running users instance in particular
    const { instanceId } = await platform.usersInstance();
    await expect(page.getByRole('region', { name: 'users', exact: true }).getByRole('row', { name: new RegExp(`${instanceId}`) })).toContainText('Ready');
    await screenshot(page, 'dashboard', testInfo);
  });

  test('a keyboard alone signs in: Tab reaches Email, Tab goes on to Password, Enter submits', async ({ page, platform }) => {
    await page.goto('/login');
    const email = page.getByLabel('Email', { exact: true });
    const password = page.getByLabel('Password', { exact: true });
    await expect(email).toBeVisible();

    let tabs = 0;
    while (!(await email.evaluate((element) => element === document.activeElement))) {
      expect(tabs, 'Email is reached within a few presses of Tab').toBeLessThan(6);
      await page.keyboard.press('Tab');
      tabs += 1;
    }
    await expect(email).toBeFocused();
    await page.keyboard.type(platform.admin.email);
    await page.keyboard.press('Tab');
    await expect(password).toBeFocused();
    await page.keyboard.type(platform.admin.password);
    await page.keyboard.press('Enter');

    await expect(page.getByRole('banner').getByText(platform.admin.email, { exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    test.info().annotations.push({ type: 'tabs to Email', description: String(tabs) });
  });

  test('on a narrow screen Sign out stays in reach and the navigation opens behind its toggle', async ({ page, platform }, testInfo) => {
    await page.setViewportSize({ width: 375, height: 740 });
    // the header leaves the email out on narrow screens
    await signIn(page, platform.admin, { emailInHeader: false });
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Toggle navigation' }).click();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
    await screenshot(page, 'users-narrow', testInfo);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  });
});

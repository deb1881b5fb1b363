import { createHash, randomBytes } from 'node:crypto';
import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

const CALLBACK = 'https://reports.example.test/callback';

test.describe('An application’s authorization code flow', () => {
  test('a developer registers an application in the console, then signs in to it through site11 and sees its name on the consent page', async ({ page, platform }, testInfo) => {
    const developer = await platform.createUser('oauth-dev', 'Dev Eloper');
    await signIn(page, developer);

    // register it in the console
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Applications', exact: true }).click();
    await page.getByRole('link', { name: 'Register application' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Quarterly Reports');
    await page.getByRole('textbox', { name: 'Redirect URIs', exact: true }).fill(CALLBACK);
    await page.getByRole('button', { name: 'Register application' }).click();
    const secret = (await page.getByRole('status').filter({ hasText: 'Client secret' }).locator('code').textContent()) as string;
    await page.getByRole('link', { name: 'Application Quarterly Reports' }).click();
    const clientId = (await page.getByTestId('client-id').textContent()) as string;

    // the application sends the browser to site11 (its callback is answered here, not on the network)
    await page.route(`${CALLBACK}**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Reports</title><h1>Back at Reports</h1>' }));
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL('/oauth2/authorize', platform.state.baseURL);
    for (const [name, value] of Object.entries({
      client_id: clientId,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'state-123',
      nonce: 'nonce-456',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })) {
      authorize.searchParams.set(name, value);
    }
    await page.goto(authorize.toString());

    // the authorization server's own pages: no JavaScript, labelled fields
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to continue to Quarterly Reports' })).toBeVisible();
    await page.getByLabel('Email', { exact: true }).fill(developer.email);
    await page.getByLabel('Password', { exact: true }).fill(developer.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Quarterly Reports wants to access your site11 account' })).toBeVisible();
    await expect(page.getByRole('listitem').filter({ hasText: 'See your email address' })).toBeVisible();
    await screenshot(page, 'oauth-consent', testInfo);
    expect((await axe(page, 'oauth-consent', testInfo)).filter(isBlocking)).toEqual([]);
    await page.getByRole('button', { name: 'Allow' }).click();

    // back at the application with a code, its state and the issuer
    await expect(page.getByRole('heading', { name: 'Back at Reports' })).toBeVisible();
    const returned = new URL(page.url());
    expect(returned.searchParams.get('state')).toBe('state-123');
    expect(returned.searchParams.get('iss')).toBe(platform.state.baseURL);
    const code = returned.searchParams.get('code') as string;

    // the application's server exchanges it
    const exchanged = await fetch(new URL('/oauth2/token', platform.state.baseURL), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }).toString(),
    });
    expect(exchanged.status).toBe(200);
    expect(await exchanged.json()).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String), scope: 'openid profile email' });

    // and the person sees it, and can take it back, under My account
    await page.goto('/account');
    const apps = page.getByRole('region', { name: 'Authorized apps' });
    await expect(apps.getByRole('row').filter({ hasText: 'Quarterly Reports' })).toContainText('email');
    await apps.getByRole('button', { name: 'Revoke Quarterly Reports' }).click();
    await expect(apps.getByText('You have not authorized any application.')).toBeVisible();
  });
});

import type { Page, TestInfo } from '@playwright/test';
import { generate } from 'otplib';
import { axe, expect, isBlocking, type PlatformClient, screenshot, signIn, test } from './support/fixtures';

/** No serious or critical axe finding on the screen as it is now. */
async function accessible(page: Page, screen: string, testInfo: TestInfo): Promise<void> {
  expect((await axe(page, screen, testInfo)).filter(isBlocking), `serious or critical axe violations on ${screen}`).toEqual([]);
}

/**
 * The link to the console's `path` in the newest mail to `email` whose subject matches, exactly
 * as the mail has it: on the platform's PUBLIC_URL, the console's own address.
 */
async function mailedLink(platform: PlatformClient, email: string, subject: RegExp, path: string): Promise<string> {
  const mail = await platform.mailbox.waitFor(email, { subject });
  const link = mail.links.find((href) => new URL(href).pathname === `/${path}` && new URL(href).searchParams.has('token'));
  if (!link) throw new Error(`no /${path}?token=… link in the mail "${mail.subject}" to ${email}`);
  return link;
}

const TOTP_STEP_SECONDS = 30;
const step = () => Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS);
/** The code an authenticator app shows for `secret` at time step `at` (codes are single use: one per step). */
const codeAt = (secret: string, at: number) => generate({ secret, epoch: at * TOTP_STEP_SECONDS });

test.describe('Accounts people can trust', () => {
  test('forgot password end to end: the mailed link sets a new password, the old one is refused, the new one signs in', async ({ page, platform }, testInfo) => {
    const user = await platform.createUser('forgot', 'Forgetful Person');
    const newPassword = 'a brand new e2e password';

    await page.goto('/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Forgot your password?' })).toBeVisible();
    await accessible(page, 'forgot-password', testInfo);
    await screenshot(page, 'forgot-password', testInfo);

    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'If an account has this address, we sent a link to it.' })).toBeVisible();
    await screenshot(page, 'forgot-password-sent', testInfo);

    const link = await mailedLink(platform, user.email, /Reset your site11 password/, 'reset-password');
    // the gateway answers the mail's deep link with the console, under its CSP (checked for every page)
    const response = await page.goto(link);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByRole('heading', { level: 1, name: 'Set a new password' })).toBeVisible();
    await accessible(page, 'reset-password', testInfo);
    await screenshot(page, 'reset-password', testInfo);

    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('status').filter({ hasText: 'Your password has been changed' })).toBeVisible();
    await accessible(page, 'sign-in-after-reset', testInfo);
    await screenshot(page, 'sign-in-after-reset', testInfo);

    // the old password no longer works
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Invalid email or password' })).toBeVisible();

    await signIn(page, { email: user.email, password: newPassword });
    await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();

    // the link works once: opened again, it says why not and where to ask for a new one
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1, name: 'Set a new password' })).toBeVisible();
    await page.getByLabel('New password', { exact: true }).fill('yet another password');
    await page.getByLabel('Confirm new password', { exact: true }).fill('yet another password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'This link no longer works' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible();
    await accessible(page, 'reset-password-invalid', testInfo);
    await screenshot(page, 'reset-password-invalid', testInfo);
  });

  test('email verification: the mailed link verifies the address, and My account says so', async ({ page, platform }, testInfo) => {
    const user = await platform.createUser('verify', 'Verifying Person');
    const link = await mailedLink(platform, user.email, /Verify your email address/, 'verify-email');

    await page.goto(link);
    await expect(page.getByText('Your email address is verified. Thank you!')).toBeVisible();
    await accessible(page, 'verify-email', testInfo);
    await screenshot(page, 'verify-email', testInfo);

    // a second visit: the token was spent by the first (and only one request was sent then)
    await page.reload();
    await expect(page.getByRole('alert').filter({ hasText: 'This link no longer works' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Send a new link' })).toBeVisible();
    await accessible(page, 'verify-email-invalid', testInfo);
    await screenshot(page, 'verify-email-invalid', testInfo);

    await signIn(page, user);
    const email = page.getByRole('region', { name: 'Email address' });
    await expect(email.getByText('Verified', { exact: true })).toBeVisible();
  });

  test('TOTP enrolment: QR code and key, a computed code, 10 recovery codes, then sign-in asks for a code', async ({ page, platform }, testInfo) => {
    const user = await platform.createUser('totp', 'Careful Person');
    await signIn(page, user);
    await expect(page.getByRole('heading', { level: 1, name: 'My account' })).toBeVisible();

    const panel = page.getByRole('region', { name: 'Two-factor authentication' });
    await panel.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const qr = panel.getByRole('img', { name: 'QR code that adds your site11 account to an authenticator app' });
    await expect(qr).toBeVisible();
    // a real PNG, shown under the CSP (img-src data:)
    expect(await qr.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
    await accessible(page, 'account-two-factor-setup', testInfo);
    // a full-page screenshot from the top (the shell's header is fixed)
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'account-two-factor-setup', testInfo);

    const secret = await panel.getByLabel('Key for manual entry').inputValue();
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    const enrolledAt = step();
    await panel.getByLabel('Authentication code').fill(await codeAt(secret, enrolledAt));
    await panel.getByRole('button', { name: 'Turn on' }).click();

    const codes = panel.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect(codes).toHaveCount(10);
    await expect(panel.getByText('On', { exact: true })).toBeVisible();
    await accessible(page, 'account-recovery-codes', testInfo);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'account-recovery-codes', testInfo);
    await panel.getByRole('checkbox', { name: 'I saved my recovery codes' }).check();
    await panel.getByRole('button', { name: 'Done' }).click();
    await expect(panel.getByRole('status').filter({ hasText: 'Two-factor authentication is on.' })).toBeVisible();

    await page.getByRole('banner').getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to the site11 console' })).toBeVisible();
    await page.getByLabel('Email', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await expect(page.getByRole('heading', { level: 1, name: 'Two-factor authentication' })).toBeVisible();
    const code = page.getByLabel('Authentication code');
    await expect(code).toBeFocused();
    await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    await accessible(page, 'sign-in-two-factor', testInfo);
    await screenshot(page, 'sign-in-two-factor', testInfo);

    // the enrolment spent its step's code: the next step's (accepted within the tolerance)
    await code.fill(await codeAt(secret, Math.max(step(), enrolledAt + 1)));
    await page.getByRole('button', { name: 'Verify' }).click();
    const banner = page.getByRole('banner');
    await expect(banner.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
    await expect(banner.getByText(user.email, { exact: true })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Two-factor authentication' }).getByText('On', { exact: true })).toBeVisible();
  });
});

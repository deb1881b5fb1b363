import { expect, test } from './support/fixtures';

test.describe('Content-Security-Policy', () => {
  test('the console is served with a strict policy that the browser enforces and the suite notices', async ({ page, browserReport }) => {
    const response = await page.goto('/login');
    const policy = response?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-eval');
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    expect(browserReport.cspViolations).toEqual([]);

    // an inline script, as an injection would add it: refused, and reported to the suite's guard
    // (page.evaluate itself is not subject to the page's policy; the script element it adds is)
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.title = "injected"';
      document.body.append(script);
    });
    await expect.poll(() => browserReport.cspViolations.length).toBeGreaterThan(0);
    await expect(page).not.toHaveTitle('injected');
    expect(browserReport.cspViolations.join('\n')).toMatch(/script-src/);
    // this test's own violation, on purpose: every other test fails on one
    browserReport.cspViolations.length = 0;
  });
});

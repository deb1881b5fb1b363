import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_STORAGE_KEY } from '../i18n';
import { ADMIN, gatewayError, json, MEMBER } from '../test/api-mock';
import { renderApp } from '../test/render';

const admin = {
  user: ADMIN,
  handlers: {
    'GET /api/v1/services': () => json(200, []),
    'GET /health/ready': () => json(200, { status: 'ok', details: {} }),
    'GET /api/v1/auth/sessions': () => json(200, { items: [] }),
    'GET /api/v1/statistics/summary': () => json(200, { period: '7d', from: '2025-01-01T00:00:00.000Z', to: '2025-01-08T00:00:00.000Z', items: [] }),
  },
};

describe('the app shell', () => {
  it('has header, navigation and main landmarks, the user’s email and a Sign out button', async () => {
    await renderApp('/', admin);
    const header = await screen.findByRole('banner');
    expect(await within(header).findByText('ada@example.com')).toBeInTheDocument();
    expect(within(header).getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(within(header).getByRole('combobox', { name: 'Language' })).toHaveValue('en');
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    const links = within(nav).getAllByRole('link').map((link) => link.textContent);
    // generated services' screens go between Users and My account
    expect([...links.slice(0, 2), links.at(-1)]).toEqual(['Dashboard', 'Users', 'My account']);
    expect(within(nav).getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('main')).toBeInTheDocument();
  });

  it('shows a non-admin no admin screen: neither Dashboard nor Users', async () => {
    await renderApp('/account', { user: MEMBER, handlers: admin.handlers });
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    await within(screen.getByRole('banner')).findByText(MEMBER.email);
    const links = within(nav).getAllByRole('link').map((link) => link.textContent);
    expect(links).not.toContain('Dashboard');
    expect(links).not.toContain('Users');
    expect(links.at(-1)).toBe('My account');
  });

  it('switches to Korean: texts, <html lang> and the remembered choice follow', async () => {
    const { user } = await renderApp('/account', admin);
    await user.selectOptions(await screen.findByRole('combobox', { name: 'Language' }), 'ko');
    expect(await screen.findByRole('heading', { name: '내 계정', level: 1 })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '로그아웃' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('ko');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('ko');
    await waitFor(() => expect(document.title).toBe('내 계정 · site11 콘솔'));
  });

  it('signs out: the session ends on the server and sign-in is next', async () => {
    const { user, gateway, router } = await renderApp('/account', admin);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    const [request] = gateway.calls('DELETE', '/api/v1/console/session');
    expect(request?.headers.get('authorization')).toBe('Bearer access-1');
    expect(request?.headers.get('x-site11-console')).toBe('1');
  });

  it('sends a visitor without a session to sign-in', async () => {
    const { router } = await renderApp('/users');
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
  });

  it('shows a not-found page for an unknown address', async () => {
    await renderApp('/no/such/page', admin);
    expect(await screen.findByRole('heading', { name: 'Page not found', level: 1 })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main navigation' })).toBeInTheDocument();
  });

  it('shows a retry banner, not a blank page, when the gateway cannot say who is signed in', async () => {
    let down = true;
    const { user } = await renderApp('/', {
      user: ADMIN,
      handlers: {
        ...admin.handlers,
        'GET /api/v1/auth/me': () => (down ? gatewayError(503, 'SERVICE_UNAVAILABLE', 'users is unavailable') : json(200, ADMIN)),
      },
    });
    const alert = await screen.findByRole('alert');
    expect(within(screen.getByRole('main')).getByRole('alert')).toBe(alert);
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    down = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'Dashboard', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ADMIN, gatewayError, grant, json } from '../../test/api-mock';
import { renderApp } from '../../test/render';

describe('the sign-in screen', () => {
  it('has fields labelled Email and Password, a Sign in button, a link to register and a title', async () => {
    await renderApp('/login');
    expect(await screen.findByLabelText('Email')).toHaveAttribute('type', 'email');
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/register');
    expect(screen.getByRole('main')).toBeInTheDocument();
    expect(screen.getByRole('banner')).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Sign in · site11 console'));
  });

  it('signs in with the keyboard only: Tab goes Email → Password → Sign in, Enter submits', async () => {
    const { user, gateway } = await renderApp('/login', {
      handlers: {
        'POST /api/v1/console/session': () => grant('fresh'),
        'GET /api/v1/auth/me': () => json(200, ADMIN),
        'GET /api/v1/services': () => json(200, []),
        'GET /health/ready': () => json(200, { status: 'ok', details: {} }),
      },
    });
    const email = await screen.findByLabelText('Email');
    email.focus();
    await user.keyboard('ada@example.com');
    await user.tab();
    expect(screen.getByLabelText('Password')).toHaveFocus();
    await user.keyboard('correct horse battery');
    await user.tab();
    expect(screen.getByRole('button', { name: 'Sign in' })).toHaveFocus();
    await user.tab({ shift: true });
    expect(screen.getByLabelText('Password')).toHaveFocus();
    await user.keyboard('{Enter}');

    expect(await screen.findByRole('heading', { name: 'Dashboard', level: 1 })).toBeInTheDocument();
    const [request] = gateway.calls('POST', '/api/v1/console/session');
    expect(await request?.json()).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(request?.headers.get('x-site11-console')).toBe('1');
  });

  it('checks the fields before calling the API', async () => {
    const { user, gateway } = await renderApp('/login');
    await user.type(await screen.findByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter a valid email address')).toBeInTheDocument();
    expect(screen.getByText('This field is required')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
    expect(gateway.calls('POST', '/api/v1/console/session')).toHaveLength(0);
  });

  it('shows the API’s field errors under the matching field', async () => {
    const { user } = await renderApp('/login', {
      handlers: {
        'POST /api/v1/console/session': () =>
          gatewayError(400, 'VALIDATION', 'Request validation failed', [
            { field: 'email', constraints: { isEmail: 'email must be an email' } },
          ]),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'whatever');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('email must be an email')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(/email must be an email/);
  });

  it('says "Invalid email or password" on a 401', async () => {
    const { user } = await renderApp('/login', {
      handlers: {
        'POST /api/v1/console/session': () => gatewayError(401, 'AUTH.INVALID_CREDENTIALS', 'Invalid email or password'),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'wrong password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Invalid email or password');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
  });

  it('says how long to wait on a 429, from Retry-After', async () => {
    const { user } = await renderApp('/login', {
      handlers: {
        'POST /api/v1/console/session': () =>
          json(
            429,
            { statusCode: 429, error: 'Too Many Requests', message: 'Too many attempts', code: 'AUTH.RATE_LIMITED', requestId: 'r' },
            { 'retry-after': '37' },
          ),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 37 seconds.');
  });

  it('goes back to the page the user wanted after signing in', async () => {
    const { user, router } = await renderApp('/account', {
      handlers: {
        'POST /api/v1/console/session': () => grant('fresh'),
        'GET /api/v1/auth/me': () => json(200, ADMIN),
        'GET /api/v1/auth/sessions': () => json(200, { items: [] }),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'password');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'My account', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/account');
    expect(within(screen.getByRole('banner')).getByText(ADMIN.email)).toBeInTheDocument();
  });

  it('says the email must be verified first, and sends the link again', async () => {
    const { user, gateway } = await renderApp('/login', {
      handlers: {
        'POST /api/v1/console/session': () => gatewayError(403, 'AUTH.EMAIL_NOT_VERIFIED', 'Verify your email address first'),
        'POST /api/v1/auth/verify-email/resend': () => json(202),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Verify your email address first: open the link we sent to it.');
    await user.click(screen.getByRole('button', { name: 'Send the link again' }));
    expect(await screen.findByText(/we sent a new link/)).toBeInTheDocument();
    expect(await gateway.calls('POST', '/api/v1/auth/verify-email/resend')[0]?.json()).toEqual({ email: 'ada@example.com' });
  });
});

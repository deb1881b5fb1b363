import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json } from '../../test/api-mock';
import { renderApp } from '../../test/render';

describe('the forgot-password screen', () => {
  it('is reached from sign-in by "Forgot password?" and checks the address before calling the API', async () => {
    const { user, gateway, router } = await renderApp('/login');
    await user.click(await screen.findByRole('link', { name: 'Forgot password?' }));
    expect(await screen.findByRole('heading', { name: 'Forgot your password?', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/forgot-password');
    await waitFor(() => expect(document.title).toBe('Forgot password · site11 console'));

    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Send the link' }));
    expect(await screen.findByText('Enter a valid email address')).toBeInTheDocument();
    expect(gateway.calls('POST', '/api/v1/auth/password-reset')).toHaveLength(0);
  });

  it('asks for a link and says only that one was sent if an account has the address', async () => {
    const { user, gateway } = await renderApp('/forgot-password', {
      handlers: { 'POST /api/v1/auth/password-reset': () => json(202) },
    });
    await user.type(await screen.findByLabelText('Email'), ' ada@example.com ');
    await user.click(screen.getByRole('button', { name: 'Send the link' }));
    expect(await screen.findByRole('status')).toHaveTextContent('If an account has this address, we sent a link to it.');
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
    expect(await gateway.calls('POST', '/api/v1/auth/password-reset')[0]?.json()).toEqual({ email: 'ada@example.com' });
    expect(screen.getByRole('link', { name: 'Back to sign-in' })).toHaveAttribute('href', '/login');
  });

  it('says how long to wait when asked too often', async () => {
    const { user } = await renderApp('/forgot-password', {
      handlers: {
        'POST /api/v1/auth/password-reset': () =>
          json(429, { statusCode: 429, error: 'Too Many Requests', message: 'Too many attempts', code: 'AUTH.RATE_LIMITED', requestId: 'r' }, { 'retry-after': '30' }),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Send the link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts. Try again in 30 seconds.');
  });
});

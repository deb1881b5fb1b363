import { configure, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';

const TOKEN = '665f1c2e8b3e4a0012345678.QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ';
const PATH = `/verify-email?token=${TOKEN}`;

describe('the verify-email screen (the link of the mail)', () => {
  afterEach(() => configure({ reactStrictMode: false }));

  it('verifies on load, once even under StrictMode, and offers sign-in to a signed-out visitor', async () => {
    configure({ reactStrictMode: true });
    const { gateway } = await renderApp(PATH, { handlers: { 'POST /api/v1/auth/verify-email': () => json(204) } });
    expect(await screen.findByText('Your email address is verified. Thank you!')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
    expect(gateway.calls('POST', '/api/v1/auth/verify-email')).toHaveLength(1);
    expect(await gateway.calls('POST', '/api/v1/auth/verify-email')[0]?.json()).toEqual({ token: TOKEN });
  });

  it('works signed in too: links to the console and reloads the account, now verified', async () => {
    let verified = false;
    const { gateway } = await renderApp(PATH, {
      user: MEMBER,
      handlers: {
        'GET /api/v1/auth/me': () => json(200, { ...MEMBER, emailVerified: verified }),
        'POST /api/v1/auth/verify-email': () => {
          verified = true;
          return json(204);
        },
      },
    });
    expect(await screen.findByRole('link', { name: 'Go to the console' })).toHaveAttribute('href', '/');
    expect(gateway.calls('POST', '/api/v1/auth/verify-email')).toHaveLength(1);
  });

  it('says why a link no longer works and sends a new one to the address typed in', async () => {
    const { user, gateway } = await renderApp(PATH, {
      handlers: {
        'POST /api/v1/auth/verify-email': () => gatewayError(400, 'AUTH.INVALID_VERIFICATION_TOKEN', 'The link is not valid'),
        'POST /api/v1/auth/verify-email/resend': () => json(202),
      },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('This link no longer works');
    expect(screen.getByRole('heading', { name: 'Send a new link', level: 2 })).toBeInTheDocument();
    await user.type(screen.getByLabelText('Email'), 'bob@example.com');
    await user.click(screen.getByRole('button', { name: 'Send a new link' }));
    expect((await screen.findByText(/we sent a new link/)).closest('[role="status"]')).not.toBeNull();
    expect(await gateway.calls('POST', '/api/v1/auth/verify-email/resend')[0]?.json()).toEqual({ email: 'bob@example.com' });
  });

  it('does not send a token that is not one', async () => {
    const { gateway } = await renderApp('/verify-email');
    expect(await screen.findByRole('alert')).toHaveTextContent('This link no longer works');
    expect(gateway.calls('POST', '/api/v1/auth/verify-email')).toHaveLength(0);
  });

  it('offers Retry when the service does not answer, and the retry verifies', async () => {
    let attempt = 0;
    const { user } = await renderApp(PATH, {
      handlers: {
        'POST /api/v1/auth/verify-email': () => (++attempt === 1 ? gatewayError(503, 'SERVICE_UNAVAILABLE', 'users is down') : json(204)),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Your email address is verified. Thank you!')).toBeInTheDocument();
  });
});

import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Handler } from '../../test/api-mock';
import { ADMIN, gatewayError, grant, json } from '../../test/api-mock';
import { renderApp } from '../../test/render';

const challenge = { mfaRequired: true, mfaToken: 'a'.repeat(43) };

/** The sign-in screen of an account with two-factor authentication, at its second step. */
async function atSecondStep(mfa: Handler) {
  const view = await renderApp('/login', {
    handlers: {
      'POST /api/v1/console/session': () => json(200, challenge),
      'POST /api/v1/console/session/mfa': mfa,
      'GET /api/v1/auth/me': () => json(200, { ...ADMIN, mfaEnabled: true }),
      'GET /api/v1/services': () => json(200, []),
      'GET /health/ready': () => json(200, { status: 'ok', details: {} }),
    },
  });
  await view.user.type(await screen.findByLabelText('Email'), 'ada@example.com');
  await view.user.type(screen.getByLabelText('Password'), 'correct horse battery');
  await view.user.click(screen.getByRole('button', { name: 'Sign in' }));
  await screen.findByRole('heading', { name: 'Two-factor authentication', level: 1 });
  return view;
}

describe('the second step of sign-in (two-factor authentication)', () => {
  it('asks for the code after the password, as a one-time code on a numeric keypad, and signs in with it', async () => {
    const { user, gateway } = await atSecondStep(() => grant('with-mfa'));
    const code = screen.getByLabelText('Authentication code');
    expect(code).toHaveFocus();
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');
    expect(code).toHaveAttribute('inputmode', 'numeric');
    await waitFor(() => expect(document.title).toBe('Two-factor authentication · site11 console'));

    await user.type(code, '123 456{Enter}');
    expect(await screen.findByRole('heading', { name: 'Dashboard', level: 1 })).toBeInTheDocument();
    const [request] = gateway.calls('POST', '/api/v1/console/session/mfa');
    expect(await request?.json()).toEqual({ mfaToken: challenge.mfaToken, code: '123456' });
    expect(request?.headers.get('x-site11-console')).toBe('1');
    expect(request?.headers.get('authorization')).toBeNull();
  });

  it('signs in with a recovery code when "Use a recovery code" is switched on', async () => {
    const { user, gateway } = await atSecondStep(() => grant('with-recovery'));
    await user.click(screen.getByRole('switch', { name: 'Use a recovery code' }));
    expect(screen.queryByLabelText('Authentication code')).not.toBeInTheDocument();
    await user.type(screen.getByLabelText('Recovery code'), 'abcd-efgh-ijkl-mnop');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { name: 'Dashboard', level: 1 })).toBeInTheDocument();
    expect(await gateway.calls('POST', '/api/v1/console/session/mfa')[0]?.json()).toEqual({
      mfaToken: challenge.mfaToken,
      recoveryCode: 'abcd-efgh-ijkl-mnop',
    });
  });

  it('checks the code before calling the API', async () => {
    const { user, gateway } = await atSecondStep(() => grant());
    await user.type(screen.getByLabelText('Authentication code'), '12ab');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('Enter the 6 digits of the code')).toBeInTheDocument();
    await user.click(screen.getByRole('switch', { name: 'Use a recovery code' }));
    await user.type(screen.getByLabelText('Recovery code'), 'not a code');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('Enter a recovery code like abcd-efgh-ijkl-mnop')).toBeInTheDocument();
    expect(gateway.calls('POST', '/api/v1/console/session/mfa')).toHaveLength(0);
  });

  it('says a wrong code is not valid, under the field, and lets the user try again', async () => {
    let attempt = 0;
    const { user } = await atSecondStep(() =>
      ++attempt === 1 ? gatewayError(401, 'AUTH.INVALID_MFA_CODE', 'The code is not valid') : grant('second-try'),
    );
    const code = screen.getByLabelText('Authentication code');
    await user.type(code, '000000{Enter}');
    expect(await screen.findByText('This code is not valid (or has been used already). Try again.')).toBeInTheDocument();
    expect(code).toHaveAttribute('aria-invalid', 'true');
    expect(code).toHaveFocus();
    // a 401 of this route is an answer, not an expired session: still signed out, still here
    expect(screen.getByRole('heading', { name: 'Two-factor authentication' })).toBeInTheDocument();

    await user.clear(code);
    await user.type(code, '654321{Enter}');
    expect(await screen.findByRole('heading', { name: 'Dashboard', level: 1 })).toBeInTheDocument();
  });

  it('goes back to the password when the sign-in expired or used up its attempts', async () => {
    const { user } = await atSecondStep(() => gatewayError(401, 'AUTH.INVALID_MFA_TOKEN', 'This sign-in expired'));
    await user.type(screen.getByLabelText('Authentication code'), '123456{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('This sign-in has expired or used up its attempts. Enter your password again.');
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    expect(screen.getByLabelText('Password')).toHaveValue('');
    await waitFor(() => expect(screen.getByLabelText('Password')).toHaveFocus());
  });

  it('"Back" returns to the password step', async () => {
    const { user } = await atSecondStep(() => grant());
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to the site11 console' })).toBeInTheDocument();
  });
});

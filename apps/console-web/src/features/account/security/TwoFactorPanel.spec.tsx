import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { User } from '../../../api/types';
import { ADMIN, gatewayError, type Handler, json, MEMBER } from '../../../test/api-mock';
import { renderApp } from '../../../test/render';

const SETUP = {
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  otpauthUri: 'otpauth://totp/site11:bob%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=site11',
  qrCode: 'data:image/png;base64,iVBORw0KGgo=',
};
const CODES = Array.from({ length: 10 }, (_, i) => `aaaa-bbbb-cccc-${String.fromCharCode(97 + i)}ddd`);

/** My account with the two-factor panel, the account's `mfaEnabled` following what the fake API did. */
async function account(initial: User, handlers: Record<string, Handler>) {
  const state = { user: initial };
  const view = await renderApp('/account', {
    user: initial,
    handlers: {
      'GET /api/v1/auth/me': () => json(200, state.user),
      'GET /api/v1/auth/sessions': () => json(200, { items: [] }),
      ...handlers,
    },
  });
  const panel = await screen.findByRole('region', { name: 'Two-factor authentication' });
  return { ...view, state, panel };
}

describe('two-factor authentication on My account', () => {
  it('enrols: QR code and key, a wrong code refused, then the 10 recovery codes shown once until "I saved them"', async () => {
    let confirms = 0;
    const { user, gateway, state, panel } = await account(MEMBER, {
      'POST /api/v1/auth/mfa/totp/setup': () => json(200, SETUP),
      'POST /api/v1/auth/mfa/totp/confirm': () => {
        if (++confirms === 1) return gatewayError(400, 'AUTH.INVALID_MFA_CODE', 'The code is not valid');
        state.user = { ...MEMBER, mfaEnabled: true };
        return json(200, { recoveryCodes: CODES });
      },
    });
    expect(within(panel).getByText('Off')).toBeInTheDocument();
    await user.click(within(panel).getByRole('button', { name: 'Set up two-factor authentication' }));

    const qr = await within(panel).findByRole('img', { name: 'QR code that adds your site11 account to an authenticator app' });
    expect(qr).toHaveAttribute('src', SETUP.qrCode);
    expect(within(panel).getByLabelText('Key for manual entry')).toHaveValue(SETUP.secret);
    expect(within(panel).getByRole('heading', { name: 'Add site11 to your authenticator app' })).toHaveFocus();
    const code = within(panel).getByLabelText('Authentication code');
    expect(code).toHaveAttribute('autocomplete', 'one-time-code');

    await user.type(code, '12');
    await user.click(within(panel).getByRole('button', { name: 'Turn on' }));
    expect(await within(panel).findByText('Enter the 6 digits of the code')).toBeInTheDocument();
    expect(gateway.calls('POST', '/api/v1/auth/mfa/totp/confirm')).toHaveLength(0);

    await user.clear(code);
    await user.type(code, '000000{Enter}');
    expect(await within(panel).findByText('This code is not valid (or has been used already). Try again.')).toBeInTheDocument();

    await user.clear(code);
    await user.type(code, '123456{Enter}');
    const list = await within(panel).findByRole('list', { name: 'Recovery codes' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(10);
    expect(within(list).getByText(CODES[0] as string)).toBeInTheDocument();
    expect(within(panel).getByRole('heading', { name: 'Save your recovery codes' })).toHaveFocus();
    expect(await gateway.calls('POST', '/api/v1/auth/mfa/totp/confirm')[1]?.json()).toEqual({ code: '123456' });
    expect(within(panel).getByRole('button', { name: 'Copy the codes' })).toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Download the codes' })).toBeInTheDocument();
    // the account is reloaded: on now, and the codes stay until the user says they saved them
    await waitFor(() => expect(within(panel).getByText('On')).toBeInTheDocument());
    const done = within(panel).getByRole('button', { name: 'Done' });
    expect(done).toBeDisabled();
    await user.click(within(panel).getByRole('checkbox', { name: 'I saved my recovery codes' }));
    await user.click(done);
    expect(within(panel).queryByRole('list', { name: 'Recovery codes' })).not.toBeInTheDocument();
    expect(within(panel).getByRole('status')).toHaveTextContent('Two-factor authentication is on.');
    expect(within(panel).getByRole('button', { name: 'Turn off two-factor authentication' })).toBeInTheDocument();
  });

  it('starts again when the setup expired before the code came', async () => {
    const { user, panel } = await account(MEMBER, {
      'POST /api/v1/auth/mfa/totp/setup': () => json(200, SETUP),
      'POST /api/v1/auth/mfa/totp/confirm': () => gatewayError(422, 'AUTH.MFA_SETUP_REQUIRED', 'Set up first'),
    });
    await user.click(within(panel).getByRole('button', { name: 'Set up two-factor authentication' }));
    await user.type(await within(panel).findByLabelText('Authentication code'), '123456{Enter}');
    expect(await within(panel).findByRole('status')).toHaveTextContent('The setup expired (it lasts 15 minutes). Start again.');
    expect(within(panel).getByRole('button', { name: 'Set up two-factor authentication' })).toBeInTheDocument();
  });

  it('turns it off with a recovery code', async () => {
    const { user, gateway, state, panel } = await account(
      { ...MEMBER, mfaEnabled: true },
      {
        'DELETE /api/v1/auth/mfa/totp': () => {
          state.user = { ...MEMBER, mfaEnabled: false };
          return json(204);
        },
      },
    );
    await user.click(within(panel).getByRole('button', { name: 'Turn off two-factor authentication' }));
    expect(within(panel).getByLabelText('Authentication code')).toHaveFocus();
    await user.click(within(panel).getByRole('switch', { name: 'Use a recovery code' }));
    await user.type(within(panel).getByLabelText('Recovery code'), ' ABCD-EFGH-IJKL-MNOP ');
    await user.click(within(panel).getByRole('button', { name: 'Turn off' }));
    expect(await within(panel).findByRole('status')).toHaveTextContent('Two-factor authentication is off.');
    expect(await gateway.calls('DELETE', '/api/v1/auth/mfa/totp')[0]?.json()).toEqual({ recoveryCode: 'ABCD-EFGH-IJKL-MNOP' });
    await waitFor(() => expect(within(panel).getByText('Off')).toBeInTheDocument());
  });

  it('is where an admin route refused for want of a second factor sends the admin', async () => {
    const { user, router } = await renderApp('/users', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/users': () => gatewayError(403, 'AUTH.MFA_REQUIRED', 'Two-factor authentication required'),
        'GET /api/v1/auth/sessions': () => json(200, { items: [] }),
      },
    });
    expect(await screen.findByText(/Administrators need two-factor authentication for this/)).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Set up two-factor authentication' }));
    expect(await screen.findByRole('region', { name: 'Two-factor authentication' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/account');
    expect(router.state.location.hash).toBe('#two-factor');
  });
});

import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gatewayError, json, MEMBER } from '../../../test/api-mock';
import { renderApp } from '../../../test/render';

const sessions = { 'GET /api/v1/auth/sessions': () => json(200, { items: [] }) };

async function openDialog(view: Awaited<ReturnType<typeof renderApp>>) {
  const region = await screen.findByRole('region', { name: 'Delete my account' });
  await view.user.click(within(region).getByRole('button', { name: 'Delete my account' }));
  return screen.findByRole('dialog', { name: 'Delete your account?' });
}

describe('deleting my account', () => {
  it('asks for the password and the email typed out, says when the password is wrong, then signs out with a notice', async () => {
    let attempt = 0;
    const view = await renderApp('/account', {
      user: MEMBER,
      handlers: {
        ...sessions,
        'DELETE /api/v1/auth/me': () => (++attempt === 1 ? gatewayError(401, 'AUTH.INVALID_CREDENTIALS', 'Invalid email or password') : json(204)),
      },
    });
    const { user, gateway, router } = view;
    const dialog = await openDialog(view);
    expect(within(dialog).queryByLabelText('Authentication code')).not.toBeInTheDocument();
    await user.type(within(dialog).getByLabelText('Password'), 'wrong password');
    await user.type(within(dialog).getByLabelText('Type your email address to confirm'), 'someone@example.com');
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account for good' }));
    expect(await within(dialog).findByText(`Type ${MEMBER.email} exactly`)).toBeInTheDocument();
    expect(gateway.calls('DELETE', '/api/v1/auth/me')).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText('Type your email address to confirm'));
    await user.type(within(dialog).getByLabelText('Type your email address to confirm'), MEMBER.email);
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account for good' }));
    expect(await within(dialog).findByText('The password is not correct')).toBeInTheDocument();
    // a wrong password is an answer, not an expired session
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();

    await user.clear(within(dialog).getByLabelText('Password'));
    await user.type(within(dialog).getByLabelText('Password'), 'the right password');
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account for good' }));
    expect(await screen.findByText('Your account has been deleted.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(await gateway.calls('DELETE', '/api/v1/auth/me')[1]?.json()).toEqual({ password: 'the right password' });
  });

  it('asks for a code too when two-factor authentication is on', async () => {
    let attempt = 0;
    const view = await renderApp('/account', {
      user: { ...MEMBER, mfaEnabled: true },
      handlers: {
        ...sessions,
        'DELETE /api/v1/auth/me': () => (++attempt === 1 ? gatewayError(400, 'AUTH.INVALID_MFA_CODE', 'The code is not valid') : json(204)),
      },
    });
    const { user, gateway } = view;
    const dialog = await openDialog(view);
    await user.type(within(dialog).getByLabelText('Password'), 'the right password');
    await user.type(within(dialog).getByLabelText('Type your email address to confirm'), MEMBER.email.toUpperCase());
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account for good' }));
    expect(await within(dialog).findByText('Enter the 6 digits of the code')).toBeInTheDocument();

    await user.type(within(dialog).getByLabelText('Authentication code'), '111111');
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account for good' }));
    expect(await within(dialog).findByText('This code is not valid (or has been used already). Try again.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Authentication code')).toHaveFocus();

    await user.clear(within(dialog).getByLabelText('Authentication code'));
    await user.type(within(dialog).getByLabelText('Authentication code'), '222222');
    await user.click(within(dialog).getByRole('button', { name: 'Delete my account for good' }));
    expect(await screen.findByText('Your account has been deleted.')).toBeInTheDocument();
    expect(await gateway.calls('DELETE', '/api/v1/auth/me')[1]?.json()).toEqual({ password: 'the right password', code: '222222' });
  });

  it('Cancel closes the dialog and deletes nothing', async () => {
    const view = await renderApp('/account', { user: MEMBER, handlers: sessions });
    const dialog = await openDialog(view);
    await view.user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(view.gateway.calls('DELETE', '/api/v1/auth/me')).toHaveLength(0);
  });
});

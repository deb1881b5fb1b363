import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';

const TOKEN = '665f1c2e8b3e4a0012345678.QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ';
const PATH = `/reset-password?token=${TOKEN}`;

describe('the reset-password screen (the link of the mail)', () => {
  it('sets the new password, typed twice, then shows sign-in with a notice', async () => {
    const { user, gateway, router } = await renderApp(PATH, {
      handlers: { 'POST /api/v1/auth/password-reset/confirm': () => json(204) },
    });
    expect(await screen.findByRole('heading', { name: 'Set a new password', level: 1 })).toBeInTheDocument();
    await user.type(screen.getByLabelText('New password'), 'short');
    await user.type(screen.getByLabelText('Confirm new password'), 'other');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(await screen.findByText('The password must be 8 to 128 characters long')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('New password'));
    await user.type(screen.getByLabelText('New password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(await screen.findByText('The passwords do not match')).toBeInTheDocument();
    expect(gateway.calls('POST', '/api/v1/auth/password-reset/confirm')).toHaveLength(0);

    await user.clear(screen.getByLabelText('Confirm new password'));
    await user.type(screen.getByLabelText('Confirm new password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to the site11 console' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your password has been changed and every session has been signed out.');
    expect(router.state.location.pathname).toBe('/login');
    expect(await gateway.calls('POST', '/api/v1/auth/password-reset/confirm')[0]?.json()).toEqual({ token: TOKEN, newPassword: 'a brand new password' });
  });

  it('says why a link no longer works and links to ask for a new one', async () => {
    const { user } = await renderApp(PATH, {
      handlers: { 'POST /api/v1/auth/password-reset/confirm': () => gatewayError(400, 'AUTH.INVALID_RESET_TOKEN', 'The link is not valid') },
    });
    await user.type(await screen.findByLabelText('New password'), 'a brand new password');
    await user.type(screen.getByLabelText('Confirm new password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('This link no longer works');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
  });

  it('recognises a link cut short without asking the API', async () => {
    const { gateway } = await renderApp('/reset-password?token=665f1c2e8b3e4a0012345678.QQQ');
    expect(await screen.findByRole('alert')).toHaveTextContent('This link no longer works');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toBeInTheDocument();
    expect(gateway.calls('POST', '/api/v1/auth/password-reset/confirm')).toHaveLength(0);
  });

  it('works for a signed-in user too, whose session ends with the reset', async () => {
    const { user, services } = await renderApp(PATH, {
      user: MEMBER,
      handlers: { 'POST /api/v1/auth/password-reset/confirm': () => json(204) },
    });
    expect(services.session.status).toBe('signedIn');
    await user.type(await screen.findByLabelText('New password'), 'a brand new password');
    await user.type(screen.getByLabelText('Confirm new password'), 'a brand new password');
    await user.click(screen.getByRole('button', { name: 'Set password' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to the site11 console' })).toBeInTheDocument();
    await waitFor(() => expect(services.session.status).toBe('signedOut'));
  });
});

import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gatewayError, grant, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';

describe('the registration screen', () => {
  it('has fields labelled Email, Name and Password', async () => {
    await renderApp('/register');
    expect(await screen.findByLabelText('Email')).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create account' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/login');
  });

  it('checks email format, name and password length (8 to 128) before calling the API', async () => {
    const { user, gateway } = await renderApp('/register');
    await user.type(await screen.findByLabelText('Email'), 'ada@');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Enter a valid email address')).toBeInTheDocument();
    expect(screen.getByText('The name must be 1 to 100 characters long')).toBeInTheDocument();
    expect(screen.getByText('The password must be 8 to 128 characters long')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Password'));
    await user.type(screen.getByLabelText('Password'), 'x'.repeat(129));
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('The password must be 8 to 128 characters long')).toBeInTheDocument();
    expect(gateway.calls('POST', '/api/v1/auth/register')).toHaveLength(0);
  });

  it('registers, then signs in through the console session route and lands on My account', async () => {
    const { user, gateway } = await renderApp('/register', {
      handlers: {
        'POST /api/v1/auth/register': () => json(201, MEMBER),
        'POST /api/v1/console/session': () => grant('new-user-token'),
        'GET /api/v1/auth/me': () => json(200, MEMBER),
        'GET /api/v1/auth/sessions': () => json(200, { items: [] }),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'bob@example.com');
    await user.type(screen.getByLabelText('Name'), 'Bob');
    await user.type(screen.getByLabelText('Password'), 'long enough');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    // a non-admin has no dashboard: `/` sends them to My account
    expect(await screen.findByRole('heading', { name: 'My account', level: 1 })).toBeInTheDocument();
    expect(await gateway.calls('POST', '/api/v1/auth/register')[0]?.json()).toEqual({
      email: 'bob@example.com',
      name: 'Bob',
      password: 'long enough',
    });
    expect(await gateway.calls('POST', '/api/v1/console/session')[0]?.json()).toEqual({
      email: 'bob@example.com',
      password: 'long enough',
    });
    expect(screen.queryByRole('link', { name: 'Dashboard' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Users' })).not.toBeInTheDocument();
  });

  it('says the email is taken on a 409 and shows other API field errors under their fields', async () => {
    let attempt = 0;
    const { user } = await renderApp('/register', {
      handlers: {
        'POST /api/v1/auth/register': () =>
          ++attempt === 1
            ? gatewayError(409, 'USERS.EMAIL_TAKEN', 'Email taken')
            : gatewayError(400, 'VALIDATION', 'Request validation failed', [
                { field: 'name', constraints: { isLength: 'name must be longer than or equal to 1 characters' } },
              ]),
      },
    });
    await user.type(await screen.findByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Name'), 'Ada');
    await user.type(screen.getByLabelText('Password'), 'long enough');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('An account with this email already exists')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('name must be longer than or equal to 1 characters')).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');
  });
});

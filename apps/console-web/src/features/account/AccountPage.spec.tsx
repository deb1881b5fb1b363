import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../api/types';
import { gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';

const sessions: Session[] = [
  { id: '0b9c1f3e-0000-4000-8000-000000000001', createdAt: '2025-01-01T10:00:00Z', lastUsedAt: new Date().toISOString(), ip: '203.0.113.7', userAgent: 'Firefox', current: true },
  { id: '0b9c1f3e-0000-4000-8000-000000000002', createdAt: '2025-01-02T10:00:00Z', lastUsedAt: new Date().toISOString(), ip: null, userAgent: null, current: false },
];

describe('My account', () => {
  it('saves the profile and shows API field errors under the matching field', async () => {
    let attempt = 0;
    let saved: unknown;
    const { user } = await renderApp('/account', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/auth/sessions': () => json(200, { items: sessions }),
        [`PATCH /api/v1/users/${MEMBER.id}`]: async (request) => {
          attempt += 1;
          if (attempt === 1) {
            return gatewayError(400, 'VALIDATION', 'Request validation failed', [
              { field: 'profile.bio', constraints: { maxLength: 'bio is too long for the server' } },
            ]);
          }
          const body = (await request.json()) as { profile: { bio: string } };
          saved = body;
          return json(200, { ...MEMBER, profile: { ...MEMBER.profile, bio: body.profile.bio } });
        },
      },
    });
    const bio = await screen.findByLabelText('Bio');
    await user.type(bio, 'Hello');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('bio is too long for the server')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Changes saved')).toBeInTheDocument();
    expect(saved).toEqual({ name: 'Bob', profile: { displayName: 'Ada', bio: 'Hello' } });
  });

  it('checks the new password and its confirmation, and says when the current one is wrong', async () => {
    const { user } = await renderApp('/account', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/auth/sessions': () => json(200, { items: sessions }),
        'POST /api/v1/auth/password': () => gatewayError(401, 'AUTH.INVALID_CREDENTIALS', 'Invalid email or password'),
      },
    });
    await user.type(await screen.findByLabelText('Current password'), 'old password');
    await user.type(screen.getByLabelText('New password'), 'new password');
    await user.type(screen.getByLabelText('Confirm'), 'other password');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The passwords do not match')).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Confirm'));
    await user.type(screen.getByLabelText('Confirm'), 'new password');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('The current password is not correct')).toBeInTheDocument();
    // a wrong password is not an expired session
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('lists my sessions, revokes another one, and signs out everywhere', async () => {
    let open = [...sessions];
    const { user, gateway, router } = await renderApp('/account', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/auth/sessions': () => json(200, { items: open }),
        [`DELETE /api/v1/auth/sessions/${sessions[1]?.id}`]: () => {
          open = open.filter((session) => session.current);
          return json(204);
        },
        'POST /api/v1/auth/logout-all': () => json(204),
      },
    });
    const table = await screen.findByRole('table');
    expect(within(table).getByText('This session')).toBeInTheDocument();
    expect(within(table).getByText('Firefox')).toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: /Revoke the session started/ }));
    await waitFor(() => expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2));
    expect(gateway.calls('DELETE', `/api/v1/auth/sessions/${sessions[1]?.id}`)).toHaveLength(1);

    await user.click(screen.getByRole('button', { name: 'Sign out everywhere' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(gateway.calls('POST', '/api/v1/auth/logout-all')).toHaveLength(1);
  });

  it('lists the applications I authorized, and revokes one', async () => {
    let grants = [
      { clientId: 'Y2xpZW50LTE', name: 'Reports', homepageUrl: null, scopes: ['openid', 'email'], createdAt: '2025-01-01T10:00:00Z', updatedAt: '2025-01-01T10:00:00Z' },
    ];
    const { user, gateway } = await renderApp('/account', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/auth/sessions': () => json(200, { items: sessions }),
        'GET /api/v1/auth/grants': () => json(200, { items: grants }),
        'DELETE /api/v1/auth/grants/Y2xpZW50LTE': () => {
          grants = [];
          return json(204);
        },
      },
    });
    const apps = await screen.findByRole('region', { name: 'Authorized apps' });
    const row = (await within(apps).findByText('Reports')).closest('tr') as HTMLElement;
    expect(within(row).getByText('email')).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'Revoke Reports' }));
    expect(await within(apps).findByText('You have not authorized any application.')).toBeInTheDocument();
    expect(gateway.calls('DELETE', '/api/v1/auth/grants/Y2xpZW50LTE')).toHaveLength(1);
  });
});

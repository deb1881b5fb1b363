import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ADMIN, gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';

const path = `/api/v1/users/${MEMBER.id}`;

describe('the user detail screen', () => {
  it('lets an admin change a user’s name and roles', async () => {
    let saved: unknown;
    const { user } = await renderApp(`/users/${MEMBER.id}`, {
      user: ADMIN,
      handlers: {
        [`GET ${path}`]: () => json(200, MEMBER),
        [`PATCH ${path}`]: async (request) => {
          saved = await request.json();
          return json(200, { ...MEMBER, name: 'Robert', roles: ['user', 'admin'] });
        },
      },
    });
    const name = await screen.findByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Robert');
    await user.click(screen.getByRole('checkbox', { name: 'Admin' }));
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Changes saved')).toBeInTheDocument();
    expect(saved).toEqual({ name: 'Robert', profile: { displayName: 'Ada', bio: '' }, roles: ['user', 'admin'] });
  });

  it('deletes a user only after confirming in a dialog', async () => {
    const { user, gateway, router } = await renderApp(`/users/${MEMBER.id}`, {
      user: ADMIN,
      handlers: {
        [`GET ${path}`]: () => json(200, MEMBER),
        [`DELETE ${path}`]: () => json(204),
        'GET /api/v1/users': () => json(200, { items: [], nextCursor: null }),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Delete user' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this user?' });
    expect(dialog).toHaveTextContent('bob@example.com will be deleted for good');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(gateway.calls('DELETE', path)).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete user' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/users'));
    expect(gateway.calls('DELETE', path)).toHaveLength(1);
  });

  it('says when the user does not exist', async () => {
    await renderApp(`/users/${MEMBER.id}`, {
      user: ADMIN,
      handlers: { [`GET ${path}`]: () => gatewayError(404, 'USERS.NOT_FOUND', 'User does not exist') },
    });
    expect(await screen.findByText('This user does not exist.')).toBeInTheDocument();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { User } from '../../api/types';
import { ADMIN, gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';

const people: User[] = Array.from({ length: 3 }, (_, i) => ({
  ...MEMBER,
  id: `66000000000000000000000${i}`,
  email: `user${i}@example.com`,
  name: `User ${i}`,
}));

const listCalls = (gateway: { calls: (m: string, p: string) => Request[] }) =>
  gateway.calls('GET', '/api/v1/users').map((request) => new URL(request.url).searchParams);

describe('the users screen', () => {
  it('searches as you type, once typing pauses for 300 ms', async () => {
    const searches: { q: string; at: number }[] = [];
    const { user, gateway } = await renderApp('/users', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/users': (request) => {
          const q = new URL(request.url).searchParams.get('q');
          if (q) searches.push({ q, at: performance.now() });
          return json(200, { items: q ? people.filter((p) => p.name.toLowerCase().startsWith(q.toLowerCase())) : people, nextCursor: null });
        },
      },
    });
    const search = await screen.findByRole('searchbox', { name: 'Search users' });
    expect(search).toHaveAttribute('placeholder', 'Search');
    expect(await screen.findByRole('link', { name: 'User 2' })).toBeInTheDocument();
    expect(listCalls(gateway)).toHaveLength(1);

    const keystrokes: number[] = [];
    search.addEventListener('input', () => keystrokes.push(performance.now()));
    await user.type(search, 'user 1');
    // the previous rows stay while the search waits and runs
    expect(screen.getByRole('link', { name: 'User 2' })).toBeInTheDocument();

    await waitFor(() => expect(searches.at(-1)?.q).toBe('user 1'));
    // debounced: far fewer searches than keystrokes, each one ~300 ms after the last keystroke before it
    expect(keystrokes).toHaveLength(6);
    expect(searches.length).toBeLessThan(keystrokes.length);
    for (const { at } of searches) {
      const lastKeystroke = Math.max(...keystrokes.filter((time) => time <= at));
      expect(at - lastKeystroke).toBeGreaterThanOrEqual(280);
    }
    await waitFor(() => expect(screen.queryByRole('link', { name: 'User 2' })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: 'User 1' })).toHaveAttribute('href', `/users/${people[1]?.id}`);
  });

  it('loads the next page with "Load more" using the cursor of the last page', async () => {
    const { user, gateway } = await renderApp('/users', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/users': (request) =>
          new URL(request.url).searchParams.get('cursor') === 'page-2'
            ? json(200, { items: [people[2]], nextCursor: null })
            : json(200, { items: people.slice(0, 2), nextCursor: 'page-2' }),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: 'User 2' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'User 0' })).toBeInTheDocument();
    expect(listCalls(gateway).at(-1)?.get('cursor')).toBe('page-2');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument());
  });

  it('says so when nobody matches', async () => {
    await renderApp('/users', {
      user: ADMIN,
      handlers: { 'GET /api/v1/users': () => json(200, { items: [], nextCursor: null }) },
    });
    expect(await screen.findByText('No users yet.')).toBeInTheDocument();
  });

  it('shows a retry banner on a 503, and the list once Retry succeeds', async () => {
    let down = true;
    const { user } = await renderApp('/users', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/users': () =>
          down ? gatewayError(503, 'SERVICE_UNAVAILABLE', 'users is unavailable') : json(200, { items: people, nextCursor: null }),
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The service is unavailable right now.');
    expect(alert).toHaveTextContent('Request ID: req-503');
    // the screen is still there around the banner
    expect(screen.getByRole('heading', { name: 'Users', level: 1 })).toBeInTheDocument();
    expect(screen.getByRole('navigation')).toBeInTheDocument();

    down = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('link', { name: 'User 0' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the last data under the retry banner when a refetch fails with 504', async () => {
    let down = false;
    const { queryClient } = await renderApp('/users', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/users': () =>
          down ? gatewayError(504, 'UPSTREAM_TIMEOUT', 'users did not answer in time') : json(200, { items: people, nextCursor: null }),
      },
    });
    expect(await screen.findByRole('link', { name: 'User 0' })).toBeInTheDocument();
    down = true;
    await queryClient.refetchQueries({ queryKey: ['users'] });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Showing the last data received.');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'User 0' })).toBeInTheDocument();
  });

  it('sends a non-admin from the list to their own account', async () => {
    const { router } = await renderApp('/users', {
      user: MEMBER,
      handlers: { 'GET /api/v1/auth/sessions': () => json(200, { items: [] }) },
    });
    expect(await screen.findByRole('heading', { name: 'My account', level: 1 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/account');
  });
});

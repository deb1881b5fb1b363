import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ADMIN, gatewayError, json, MEMBER } from '../../../test/api-mock';
import { renderApp } from '../../../test/render';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Entry } from './queries';
import { entryFormSchema } from './schema';

const LIST = '/api/v1/audit/entries';
/** The gateway's committed OpenAPI document: the contract the form must agree with. */
const openapi = JSON.parse(readFileSync(join(__dirname, '../../../../../console-gateway/openapi.json'), 'utf-8')) as {
  components: { schemas: Record<string, { properties: Record<string, { minLength?: number; maxLength: number }> }> };
};
const at = '2025-01-01T10:00:00.000Z';
const items: Entry[] = Array.from({ length: 3 }, (_, i) => ({
  id: `66000000000000000000000${i}`,
  ownerId: MEMBER.id,
  name: `Entry ${i}`,
  description: `About ${i}`,
  createdAt: at,
  updatedAt: at,
}));
const [first, second, third] = items as [Entry, Entry, Entry];

const queries = (gateway: { calls: (method: string, path: string) => Request[] }) =>
  gateway.calls('GET', LIST).map((request) => Object.fromEntries(new URL(request.url).searchParams));

describe('the entries screens', () => {
  it('list the signed-in user’s entries, search by the start of the name and load the next page by cursor', async () => {
    const { user, gateway } = await renderApp('/audit/entries', {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}`]: (request) => {
          const params = new URL(request.url).searchParams;
          const q = params.get('q');
          if (q) return json(200, { items: items.filter((item) => item.name.toLowerCase().startsWith(q.toLowerCase())), nextCursor: null });
          return params.get('cursor') === 'page-2' ? json(200, { items: [third], nextCursor: null }) : json(200, { items: [first, second], nextCursor: 'page-2' });
        },
      },
    });
    expect(await screen.findByRole('link', { name: first.name })).toHaveAttribute('href', `/audit/entries/${first.id}`);
    expect(screen.queryByRole('radiogroup')).not.toBeInTheDocument(); // only admins choose whose

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('link', { name: third.name })).toBeInTheDocument();
    expect(queries(gateway).at(-1)).toMatchObject({ cursor: 'page-2' });

    const search = screen.getByRole('searchbox', { name: 'Search entries' });
    expect(search).toHaveAttribute('placeholder', 'Search');
    await user.type(search, 'entry 1');
    await waitFor(() => expect(screen.queryByRole('link', { name: first.name })).not.toBeInTheDocument());
    expect(screen.getByRole('link', { name: second.name })).toBeInTheDocument();
    expect(queries(gateway).at(-1)).toMatchObject({ q: 'entry 1' });
    expect(queries(gateway).every((query) => query['scope'] === undefined)).toBe(true);
  });

  it('let an admin list everyone’s entries', async () => {
    const { user, gateway } = await renderApp('/audit/entries', {
      user: ADMIN,
      handlers: { [`GET ${LIST}`]: () => json(200, { items: [], nextCursor: null }) },
    });
    expect(await screen.findByText('No entries yet.')).toBeInTheDocument();
    await user.click(screen.getByRole('radio', { name: 'Everyone’s' }));
    await waitFor(() => expect(queries(gateway).at(-1)).toMatchObject({ scope: 'all' }));
  });

  it('create an entry only with a valid name, show the API’s field errors, then open it', async () => {
    let answer = gatewayError(400, 'VALIDATION', 'Validation failed', [{ field: 'name', constraints: { isUnique: 'name is taken' } }]);
    const { user, gateway, router } = await renderApp('/audit/entries/new', {
      user: MEMBER,
      handlers: {
        [`POST ${LIST}`]: () => answer,
        [`GET ${LIST}/${first.id}`]: () => json(200, first),
      },
    });
    const create = await screen.findByRole('button', { name: 'Create entry' });
    await user.click(create);
    expect(await screen.findByText('The name must be 1 to 100 characters long')).toBeInTheDocument();
    expect(gateway.calls('POST', LIST)).toHaveLength(0);

    await user.type(screen.getByRole('textbox', { name: /^Name/ }), first.name);
    await user.type(screen.getByRole('textbox', { name: 'Description' }), first.description);
    await user.click(create);
    expect(await screen.findByText('name is taken')).toBeInTheDocument();
    expect(await gateway.calls('POST', LIST)[0]?.json()).toEqual({ name: first.name, description: first.description });

    answer = json(201, first);
    await user.click(create);
    await waitFor(() => expect(router.state.location.pathname).toBe(`/audit/entries/${first.id}`));
    expect(await screen.findByRole('heading', { level: 1, name: first.name })).toBeInTheDocument();
  });

  it('change an entry, and delete it only after confirming', async () => {
    const patches: unknown[] = [];
    const { user, gateway, router } = await renderApp(`/audit/entries/${first.id}`, {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}/${first.id}`]: () => json(200, first),
        [`PATCH ${LIST}/${first.id}`]: async (request) => {
          patches.push(await request.json());
          return json(200, { ...first, ...(patches.at(-1) as object) });
        },
        [`DELETE ${LIST}/${first.id}`]: () => json(204),
        [`GET ${LIST}`]: () => json(200, { items: [], nextCursor: null }),
      },
    });
    const details = await screen.findByRole('region', { name: 'Details' });
    const name = within(details).getByRole('textbox', { name: /^Name/ });
    await user.clear(name);
    await user.type(name, 'Renamed');
    await user.click(within(details).getByRole('button', { name: 'Save changes' }));
    expect(await within(details).findByRole('status')).toHaveTextContent('Changes saved');
    expect(patches).toEqual([{ name: 'Renamed', description: first.description }]);
    expect(await screen.findByRole('heading', { level: 1, name: 'Renamed' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Delete entry' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this entry?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(gateway.calls('DELETE', `${LIST}/${first.id}`)).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Delete entry' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/audit/entries'));
    expect(gateway.calls('DELETE', `${LIST}/${first.id}`)).toHaveLength(1);
  });

  it('say that an entry does not exist, for an unknown id and for a malformed one', async () => {
    for (const [id, answer] of [
      [first.id, gatewayError(404, 'AUDIT.ENTRY_NOT_FOUND', 'not found')],
      ['not-an-id', gatewayError(400, 'VALIDATION', 'id must be a 24-character hex ObjectId')],
    ] as const) {
      const view = await renderApp(`/audit/entries/${id}`, { user: MEMBER, handlers: { [`GET ${LIST}/${id}`]: () => answer } });
      expect(await screen.findByText('This entry does not exist (or no longer does).')).toBeInTheDocument();
      expect(screen.getByRole('heading', { level: 1, name: 'Entry' })).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: 'Delete entry' })).not.toBeInTheDocument();
      view.unmount();
    }
  });

  it('validate the form by the limits of the API’s contract (the OpenAPI document)', () => {
    const { properties } = openapi.components.schemas['CreateEntryDto'] ?? { properties: {} };
    const valid = { name: 'n', description: '' };
    for (const field of ['name', 'description'] as const) {
      const max = properties[field]?.maxLength ?? 0;
      expect(max).toBeGreaterThan(0);
      expect(entryFormSchema.safeParse({ ...valid, [field]: 'x'.repeat(max) }).success).toBe(true);
      expect(entryFormSchema.safeParse({ ...valid, [field]: 'x'.repeat(max + 1) }).success).toBe(false);
    }
    expect(properties['name']?.minLength).toBe(1);
    expect(entryFormSchema.safeParse({ ...valid, name: '   ' }).success).toBe(false);
  });

  it('show a retry banner, not a blank page, when the service is unavailable', async () => {
    await renderApp('/audit/entries', {
      user: MEMBER,
      handlers: { [`GET ${LIST}`]: () => gatewayError(503, 'SERVICE_UNAVAILABLE', 'The audit service is unavailable') },
    });
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Entries' })).toBeInTheDocument();
  });
});

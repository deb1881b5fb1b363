import { screen, waitFor, within } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN, gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';
import { AUDIT_ACTIONS, type AuditEntry } from './queries';

const openapi = JSON.parse(readFileSync(join(__dirname, '../../../../console-gateway/openapi.json'), 'utf-8')) as {
  components: {
    schemas: Record<string, { properties: Record<string, { enum?: string[] }> }>;
  };
};

const entry = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  id: `3f0c8f4e-8a53-4f39-9d7a-00000000000${i}`,
  at: `2026-01-0${i + 1}T10:00:00.000Z`,
  actor: ADMIN.id,
  action: 'oauth.keys.rotated',
  target: `key:k${i}`,
  ip: '203.0.113.7',
  userAgent: 'Firefox',
  requestId: `req-${i}`,
  outcome: 'success',
  ...extra,
});

const listCalls = (gateway: { calls: (m: string, p: string) => Request[] }) =>
  gateway.calls('GET', '/api/v1/audit').map((request) => Object.fromEntries(new URL(request.url).searchParams));

describe('the audit log screen', () => {
  it('lists entries newest first with who did what to what, the outcome in words, and loads older ones with "Load more"', async () => {
    const { user, gateway } = await renderApp('/audit', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/audit': (request) =>
          new URL(request.url).searchParams.get('cursor') === 'older'
            ? json(200, {
                items: [
                  entry(0, {
                    actor: null,
                    action: 'auth.login.failed',
                    target: null,
                    outcome: 'failure',
                  }),
                ],
                nextCursor: null,
              })
            : json(200, { items: [entry(2), entry(1)], nextCursor: 'older' }),
      },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Audit log' })).toBeInTheDocument();
    const table = await screen.findByRole('table', { name: 'Audit log' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Time', 'Actor', 'Action', 'Target', 'Outcome', 'IP address', 'Device', 'Request id']);
    expect(within(table).getByText('key:k2')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByText('Nobody signed in')).toBeInTheDocument();
    expect(within(table).getByText('Failure')).toBeInTheDocument();
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(listCalls(gateway).at(-1)).toMatchObject({
      cursor: 'older',
      limit: '50',
    });
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument());
  });

  it('applies the filters on submit, sending only the fields given and the times as ISO 8601', async () => {
    const { user, gateway } = await renderApp('/audit', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/audit': () => json(200, { items: [], nextCursor: null }),
      },
    });
    expect(await screen.findByText('No audit entries yet.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Actor', { exact: false }), ` ${MEMBER.id} `);
    await user.selectOptions(screen.getByLabelText('Action'), 'users.roles.changed');
    await user.type(screen.getByLabelText('From'), '2026-01-02T03:04');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByText('No entry matches these filters.')).toBeInTheDocument();
    expect(listCalls(gateway).at(-1)).toEqual({
      limit: '50',
      actor: MEMBER.id,
      action: 'users.roles.changed',
      from: new Date('2026-01-02T03:04').toISOString(),
    });
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(listCalls(gateway).at(-1)).toEqual({ limit: '50' }));
  });

  it('verifies the chain on demand and says whether it is intact, or which entry breaks it', async () => {
    let valid = true;
    const { user } = await renderApp('/audit', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/audit': () => json(200, { items: [entry(1)], nextCursor: null }),
        'GET /api/v1/audit/verify': () =>
          json(200, valid ? { valid: true, checked: 1200, firstBrokenId: null } : { valid: false, checked: 17, firstBrokenId: 'entry-17' }),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByText('The chain is intact: 1200 entries checked.')).toBeInTheDocument();
    valid = false;
    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    const status = await screen.findByRole('status');
    await waitFor(() => expect(status).toHaveTextContent('The chain is broken at entry entry-17 (17 entries checked).'));
  });

  it('shows the API’s validation message when a filter is refused', async () => {
    const { user } = await renderApp('/audit', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/audit': (request) =>
          new URL(request.url).searchParams.has('target')
            ? gatewayError(400, 'VALIDATION', 'Request validation failed', [
                {
                  field: 'target',
                  constraints: { matches: 'target must be <kind>:<id>' },
                },
              ])
            : json(200, { items: [entry(1)], nextCursor: null }),
      },
    });
    await user.type(await screen.findByLabelText('Target', { exact: false }), 'nonsense');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(await screen.findByRole('alert')).toBeInTheDocument();
  });

  it('offers exactly the actions the API filters by', () => {
    expect([...AUDIT_ACTIONS]).toEqual(openapi.components.schemas['AuditEntryDto']?.properties['action']?.enum);
  });

  it('is for admins only: anyone else is sent to My account and has no "Audit log" in the navigation', async () => {
    const { router } = await renderApp('/audit', {
      user: MEMBER,
      handlers: { 'GET /api/v1/auth/sessions': () => json(200, { items: [] }) },
    });
    await waitFor(() => expect(router.state.location.pathname).toBe('/account'));
    expect(
      within(screen.getByRole('navigation', { name: 'Main navigation' })).queryByRole('link', { name: 'Audit log' }),
    ).not.toBeInTheDocument();
  });

  it('reads in Korean', async () => {
    await renderApp('/audit', {
      user: ADMIN,
      language: 'ko',
      handlers: {
        'GET /api/v1/audit': () => json(200, { items: [], nextCursor: null }),
      },
    });
    expect(await screen.findByRole('heading', { level: 1, name: '감사 로그' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '체인 검증' })).toBeInTheDocument();
  });
});

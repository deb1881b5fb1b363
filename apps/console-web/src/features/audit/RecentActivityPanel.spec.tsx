import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';
import type { AuditEntry } from './queries';

const mine = (i: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  id: `3f0c8f4e-8a53-4f39-9d7a-00000000000${i}`,
  at: `2026-01-0${i + 1}T10:00:00.000Z`,
  actor: MEMBER.id,
  action: 'applications.secret.rotated',
  target: 'application:c1',
  ip: '203.0.113.7',
  userAgent: 'Firefox',
  requestId: `req-${i}`,
  outcome: 'success',
  ...extra,
});

describe('Recent security activity on My account', () => {
  it('lists the user’s own security activity in its own section, older pages with "Load more"', async () => {
    const { user, gateway } = await renderApp('/account', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/auth/sessions': () => json(200, { items: [] }),
        'GET /api/v1/audit/me': (request) =>
          new URL(request.url).searchParams.get('cursor') === 'older'
            ? json(200, {
                items: [mine(0, { action: 'auth.login.failed', outcome: 'failure' })],
                nextCursor: null,
              })
            : json(200, { items: [mine(2), mine(1)], nextCursor: 'older' }),
      },
    });
    const section = await screen.findByRole('region', {
      name: 'Recent security activity',
    });
    const table = await within(section).findByRole('table', {
      name: 'Recent security activity',
    });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Time', 'Action', 'Outcome', 'IP address', 'Device']);
    expect(within(table).getAllByText('applications.secret.rotated')).toHaveLength(2);
    await user.click(within(section).getByRole('button', { name: 'Load more' }));
    expect(await within(table).findByText('Failure')).toBeInTheDocument();
    expect(gateway.calls('GET', '/api/v1/audit/me').map((request) => new URL(request.url).searchParams.get('cursor'))).toEqual([
      null,
      'older',
    ]);
  });

  it('says so when there is none yet', async () => {
    await renderApp('/account', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/auth/sessions': () => json(200, { items: [] }),
        'GET /api/v1/audit/me': () => json(200, { items: [], nextCursor: null }),
      },
    });
    const section = await screen.findByRole('region', {
      name: 'Recent security activity',
    });
    expect(await within(section).findByText('No security activity yet.')).toBeInTheDocument();
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';
import { parseValues } from './ConfigPanel';
import type { Application } from './queries';

const BASE = '/api/v1/applications/660000000000000000000001';
const at = '2025-01-01T10:00:00.000Z';
const app: Application = {
  id: '660000000000000000000001',
  clientId: 'Y2xpZW50LWlkLW9mLWFwcA',
  ownerId: MEMBER.id,
  name: 'Dashboard',
  type: 'public',
  redirectUris: ['https://app.example.com/cb'],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code'],
  scopes: ['openid'],
  homepageUrl: null,
  logoUrl: null,
  secretIssuedAt: null,
  createdAt: at,
  updatedAt: at,
};
const version = (n: number, values: Record<string, unknown>) => ({
  applicationId: app.id,
  env: 'production',
  version: n,
  values,
  message: `change ${n}`,
  author: MEMBER.id,
  createdAt: at,
});

describe('the configuration and releases of an application', () => {
  it('take only a JSON object within 64 KiB as values', () => {
    expect(parseValues('{"a": 1}')).toEqual({ values: { a: 1 } });
    expect(parseValues('{"a": ')).toMatchObject({ problem: 'invalid' });
    expect(parseValues('[1, 2]')).toEqual({ problem: 'notObject' });
    expect(parseValues(JSON.stringify({ blob: 'x'.repeat(64 * 1024) }))).toEqual({ problem: 'tooLarge' });
  });

  it('publish a version based on the latest one (If-Match), and say so when someone else published first', async () => {
    const puts: { ifMatch: string | null; body: unknown }[] = [];
    let answer = gatewayError(412, 'APPLICATIONS.CONFIG_VERSION_MISMATCH', 'Version 3 is the latest, not 2');
    const { user } = await renderApp(`/applications/${app.id}`, {
      user: MEMBER,
      handlers: {
        [`GET ${BASE}`]: () => json(200, app),
        [`GET ${BASE}/config/production`]: () => json(200, version(2, { rps: 10 })),
        [`GET ${BASE}/config/production/versions`]: () => json(200, { items: [version(2, {}), version(1, {})], nextBefore: null }),
        [`PUT ${BASE}/config/production`]: async (request) => {
          puts.push({ ifMatch: request.headers.get('if-match'), body: await request.json() });
          return answer;
        },
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Configuration' }));
    const editor = await screen.findByRole('textbox', { name: 'Values (JSON)' });
    await waitFor(() => expect(editor).toHaveValue('{\n  "rps": 10\n}'));
    expect(screen.getByText(/Version 2 · change 2/)).toBeInTheDocument();

    await user.clear(editor);
    await user.type(editor, '{{"rps": 20');
    expect(await screen.findByText(/Not valid JSON/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Publish' })).toBeDisabled();
    await user.type(editor, '}');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Raise the limit');
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    expect(await screen.findByText('Another version was published meanwhile. Reload to see it, then apply your change again.')).toBeInTheDocument();
    expect(puts).toEqual([{ ifMatch: '"2"', body: { values: { rps: 20 }, message: 'Raise the limit' } }]);

    answer = json(200, version(3, { rps: 20 }));
    await user.click(screen.getByRole('button', { name: 'Publish' }));
    expect(await screen.findByText('Version 3 published')).toBeInTheDocument();
  });

  it('show the changes between a version and the latest, and roll back to it', async () => {
    const rollbacks: unknown[] = [];
    const { user } = await renderApp(`/applications/${app.id}`, {
      user: MEMBER,
      handlers: {
        [`GET ${BASE}`]: () => json(200, app),
        [`GET ${BASE}/config/production`]: () => json(200, version(2, { rps: 20 })),
        [`GET ${BASE}/config/production/versions`]: () => json(200, { items: [version(2, {}), version(1, {})], nextBefore: null }),
        [`GET ${BASE}/config/production/diff`]: () => json(200, { from: 1, to: 2, patch: [{ op: 'replace', path: '/rps', value: 20 }] }),
        [`POST ${BASE}/config/production/rollback`]: async (request) => {
          rollbacks.push(await request.json());
          return json(201, version(3, { rps: 10 }));
        },
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Configuration' }));
    await user.click(await screen.findByRole('button', { name: 'Compare with latest (1)' }));
    const diff = await screen.findByRole('region', { name: 'Changes from version 1 to 2' });
    const row = within(diff).getByRole('cell', { name: '/rps' }).closest('tr') as HTMLElement;
    expect(within(row).getByText('replace')).toBeInTheDocument();
    expect(within(row).getByText('20')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Roll back to version 1' }));
    await waitFor(() => expect(rollbacks).toEqual([{ version: 1 }]));
  });

  it('make a release pinning the latest configuration versions, and show the API’s refusal', async () => {
    const bodies: unknown[] = [];
    let answer = gatewayError(422, 'APPLICATIONS.RELEASE_VERSION_NOT_INCREASING', 'Release 0.9.0 must be greater than the latest, 1.0.0');
    const { user } = await renderApp(`/applications/${app.id}`, {
      user: MEMBER,
      handlers: {
        [`GET ${BASE}`]: () => json(200, app),
        [`GET ${BASE}/config/production`]: () => json(200, version(4, {})),
        [`GET ${BASE}/config/staging`]: () => gatewayError(404, 'APPLICATIONS.CONFIG_NOT_FOUND', 'none'),
        [`GET ${BASE}/config/development`]: () => gatewayError(404, 'APPLICATIONS.CONFIG_NOT_FOUND', 'none'),
        [`GET ${BASE}/releases`]: () => json(200, { items: [], nextCursor: null }),
        [`POST ${BASE}/releases`]: async (request) => {
          bodies.push(await request.json());
          return answer;
        },
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Releases' }));
    expect(await screen.findByText('No releases yet.')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'production version' })).toHaveValue('4'));
    await user.type(screen.getByRole('textbox', { name: /^Version/ }), '0.9.0');
    await user.click(screen.getByRole('button', { name: 'Make release' }));
    expect(await screen.findByText('Release 0.9.0 must be greater than the latest, 1.0.0')).toBeInTheDocument();
    expect(bodies).toEqual([{ version: '0.9.0', notes: '', configVersions: { production: 4 } }]);

    answer = json(201, { id: 'r1', applicationId: app.id, version: '1.1.0', notes: '', configVersions: { production: 4 }, author: MEMBER.id, createdAt: at });
    await user.clear(screen.getByRole('textbox', { name: /^Version/ }));
    await user.type(screen.getByRole('textbox', { name: /^Version/ }), '1.1.0');
    await user.click(screen.getByRole('button', { name: 'Make release' }));
    expect(await screen.findByText('Release 1.1.0 made')).toBeInTheDocument();
  });
});

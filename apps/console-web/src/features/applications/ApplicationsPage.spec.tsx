import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { gatewayError, json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';
import type { Application } from './queries';

const LIST = '/api/v1/applications';
const at = '2025-01-01T10:00:00.000Z';
const app: Application = {
  id: '660000000000000000000001',
  clientId: 'Y2xpZW50LWlkLW9mLWFwcA',
  ownerId: MEMBER.id,
  name: 'Dashboard',
  type: 'confidential',
  redirectUris: ['https://app.example.com/cb'],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'profile', 'email'],
  homepageUrl: null,
  logoUrl: null,
  secretIssuedAt: at,
  createdAt: at,
  updatedAt: at,
};
const SECRET = 's11cs_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';

describe('the applications screens', () => {
  it('register a confidential application and show its secret once, with the API’s field errors under the fields first', async () => {
    const bodies: unknown[] = [];
    let answer = gatewayError(400, 'VALIDATION', 'The registration is not consistent', [
      { field: 'grantTypes', constraints: { clientCredentials: 'client_credentials needs a confidential application' } },
    ]);
    const { user } = await renderApp('/applications/new', {
      user: MEMBER,
      handlers: {
        [`POST ${LIST}`]: async (request) => {
          bodies.push(await request.json());
          return answer;
        },
      },
    });
    await user.type(await screen.findByRole('textbox', { name: /^Name/ }), 'Dashboard');
    const redirects = screen.getByRole('textbox', { name: 'Redirect URIs' });
    // the API's rule, in the browser first: no request for a plain-http public host
    await user.type(redirects, 'http://app.example.com/cb');
    const submit = screen.getByRole('button', { name: 'Register application' });
    await user.click(submit);
    expect(await screen.findByText('Each line must be an https URL (http only for localhost), without a #fragment')).toBeInTheDocument();
    expect(bodies).toHaveLength(0);

    await user.clear(redirects);
    await user.type(redirects, 'https://app.example.com/cb{enter}http://127.0.0.1:8080/cb');
    await user.click(submit);
    expect(await screen.findByText('client_credentials needs a confidential application')).toBeInTheDocument();
    expect(bodies[0]).toEqual({
      name: 'Dashboard',
      type: 'confidential',
      redirectUris: ['https://app.example.com/cb', 'http://127.0.0.1:8080/cb'],
      postLogoutRedirectUris: [],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile', 'email'],
    });

    answer = json(201, { ...app, clientSecret: SECRET });
    await user.click(submit);
    const shown = await screen.findByRole('status');
    expect(within(shown).getByText(SECRET)).toBeInTheDocument();
    expect(within(shown).getByText('Copy the client secret now: it is shown only this once.')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Application Dashboard' })).toHaveAttribute('href', `/applications/${app.id}`);
  });

  it('list my applications with their client ids', async () => {
    await renderApp('/applications', { user: MEMBER, handlers: { [`GET ${LIST}`]: () => json(200, { items: [app], nextCursor: null }) } });
    const row = (await screen.findByRole('link', { name: 'Dashboard' })).closest('tr') as HTMLElement;
    expect(within(row).getByText(app.clientId)).toBeInTheDocument();
    expect(within(row).getByText('Confidential')).toBeInTheDocument();
  });

  it('rotate the secret after confirming, showing the new one and until when the old one works', async () => {
    const { user, gateway } = await renderApp(`/applications/${app.id}`, {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}/${app.id}`]: () => json(200, app),
        [`POST ${LIST}/${app.id}/secret`]: () => json(200, { clientSecret: SECRET, previousSecretExpiresAt: '2025-01-02T10:00:00.000Z' }),
      },
    });
    expect(await screen.findByTestId('client-id')).toHaveTextContent(app.clientId);
    await user.click(screen.getByRole('button', { name: 'Rotate secret' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rotate the client secret?' });
    await user.click(within(dialog).getByRole('button', { name: 'Rotate' }));
    expect(await screen.findByText(SECRET)).toBeInTheDocument();
    expect(screen.getByText(/The previous secret works until/)).toBeInTheDocument();
    expect(gateway.calls('POST', `${LIST}/${app.id}/secret`)).toHaveLength(1);
  });

  it('delete an application only after confirming', async () => {
    const { user, gateway, router } = await renderApp(`/applications/${app.id}`, {
      user: MEMBER,
      handlers: {
        [`GET ${LIST}/${app.id}`]: () => json(200, app),
        [`DELETE ${LIST}/${app.id}`]: () => json(204),
        [`GET ${LIST}`]: () => json(200, { items: [], nextCursor: null }),
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Delete application' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/applications'));
    expect(gateway.calls('DELETE', `${LIST}/${app.id}`)).toHaveLength(1);
    expect(gateway.calls('GET', `${LIST}/${app.id}`)).toHaveLength(1);
  });
});

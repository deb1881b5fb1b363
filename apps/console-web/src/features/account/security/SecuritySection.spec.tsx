import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { json, MEMBER } from '../../../test/api-mock';
import { captureDownloads } from '../../../test/downloads';
import { renderApp } from '../../../test/render';

let downloads: ReturnType<typeof captureDownloads>;

beforeEach(() => {
  downloads = captureDownloads();
});

const sessions = { 'GET /api/v1/auth/sessions': () => json(200, { items: [] }) };

describe('the Security area of My account', () => {
  it('says the email is verified', async () => {
    await renderApp('/account', { user: MEMBER, handlers: sessions });
    const email = await screen.findByRole('region', { name: 'Email address' });
    expect(within(email).getByText('Verified')).toBeInTheDocument();
    expect(within(email).queryByRole('button', { name: 'Send the link again' })).not.toBeInTheDocument();
  });

  it('says an unverified email is not verified, and sends the link again', async () => {
    const { user, gateway } = await renderApp('/account', {
      user: { ...MEMBER, emailVerified: false },
      handlers: { ...sessions, 'POST /api/v1/auth/verify-email/resend': () => json(202) },
    });
    const email = await screen.findByRole('region', { name: 'Email address' });
    expect(within(email).getByText('Not verified')).toBeInTheDocument();
    await user.click(within(email).getByRole('button', { name: 'Send the link again' }));
    expect(await within(email).findByText(/we sent a new link/)).toBeInTheDocument();
    expect(await gateway.calls('POST', '/api/v1/auth/verify-email/resend')[0]?.json()).toEqual({ email: MEMBER.email });
  });

  it('downloads my data with the session’s token, under the name the gateway gives', async () => {
    const exported = { exportedAt: '2025-01-01T10:00:00Z', profile: MEMBER, sessions: [], applications: [], grants: [], datasets: [], images: [] };
    const { user, gateway } = await renderApp('/account', {
      user: MEMBER,
      handlers: {
        ...sessions,
        'GET /api/v1/auth/me/export': () => json(200, exported, { 'content-disposition': 'attachment; filename="site11-account-export.json"' }),
      },
    });
    const data = await screen.findByRole('region', { name: 'Your data' });
    await user.click(within(data).getByRole('button', { name: 'Download my data' }));
    expect(await within(data).findByRole('status')).toHaveTextContent('Downloaded site11-account-export.json');
    expect(downloads.saved).toEqual([{ href: 'blob:http://localhost/1', download: 'site11-account-export.json' }]);
    expect(JSON.parse(await (downloads.blobs[0] as Blob).text())).toEqual(exported);
    expect(gateway.calls('GET', '/api/v1/auth/me/export')[0]?.headers.get('authorization')).toBe('Bearer access-1');
  });
});

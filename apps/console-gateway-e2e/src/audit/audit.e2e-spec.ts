import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { generate } from 'otplib';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { type ApiResponse, call, Stack } from '../support/stack';
import { claimsOf } from '../support/tokens';

interface AuditEntry {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  outcome: 'success' | 'failure';
}
interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}
interface Verification {
  valid: boolean;
  checked: number;
  firstBrokenId: string | null;
}
interface Someone {
  id: string;
  email: string;
  token: string;
}

const PASSWORD = 'a fine password';
const REDIRECT = 'https://app.example.com/callback';
/** The address the gateway sees for this test's requests (IPv4 or IPv4-mapped IPv6 loopback). */
const LOOPBACK = expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$/);

let stack: Stack;
let db: Connection;
let admin: Someone;

beforeAll(async () => {
  stack = await Stack.start();
  db = await stack.serviceDb('audit');
  const token = await stack.adminToken();
  admin = { id: claimsOf(token).sub, email: 'admin', token };
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await stack?.stop();
});

async function someone(): Promise<Someone> {
  const { id, email, accessToken } = await stack.signUp('audit');
  return { id, email, token: accessToken };
}

/** A call with a user agent of its own, so the entry it records can be told by it. */
function act<T = Record<string, unknown>>(path: string, who: Someone, userAgent: string, method = 'POST'): Promise<ApiResponse<T>> {
  return call<T>(`${stack.api}${path}`, {
    method,
    token: who.token,
    headers: { 'user-agent': userAgent },
  });
}

function audit<T = AuditPage>(query = '', who: Someone = admin): Promise<ApiResponse<T & { code?: string }>> {
  return call<T & { code?: string }>(`${stack.api}/audit${query}`, {
    token: who.token,
  });
}

/** The entries at `/audit<query>`, once `until` holds for them: records reach the log through streams. */
async function entriesOnceThere(query: string, until: (items: AuditEntry[]) => boolean, who: Someone = admin): Promise<AuditEntry[]> {
  let items: AuditEntry[] = [];
  await waitFor(
    async () => {
      const page = await audit(query, who);
      items = page.status === 200 ? page.body.items : [];
      return until(items);
    },
    { what: `audit entries for ${query}`, timeoutMs: 15_000, intervalMs: 200 },
  );
  return items;
}

/** The one entry recorded for the request with this id. */
async function entryOf(requestId: string, query: string): Promise<AuditEntry> {
  const items = await entriesOnceThere(query, (found) => found.some((entry) => entry.requestId === requestId));
  return items.find((entry) => entry.requestId === requestId) as AuditEntry;
}

async function registerApplication(owner: Someone): Promise<{ id: string; clientId: string }> {
  const created = await call<{ id: string; clientId: string }>(`${stack.api}/applications`, {
    method: 'POST',
    token: owner.token,
    json: {
      name: 'Reports',
      type: 'confidential',
      redirectUris: [REDIRECT],
      grantTypes: ['authorization_code'],
      scopes: ['openid', 'email'],
    },
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** Sign-in and consent on the authorization server's pages, as a browser without JavaScript: the user's grant to the application. */
async function grant(user: Someone, clientId: string): Promise<void> {
  let cookie = '';
  const send = async (url: string, form?: Record<string, string>) => {
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const set = response.headers.getSetCookie().find((line) => line.startsWith('site11_as='));
    if (set) cookie = set.split(';')[0] as string;
    const html = await response.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
    return {
      status: response.status,
      request: field('request'),
      csrf: field('csrf'),
    };
  };
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email',
    state: 'audit',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const login = await send(`${stack.gatewayUrl}/oauth2/authorize?${query}`);
  expect(login.status).toBe(200);
  const consent = await send(`${stack.gatewayUrl}/oauth2/login`, {
    request: login.request,
    csrf: login.csrf,
    email: user.email,
    password: PASSWORD,
  });
  expect(consent.status).toBe(200);
  const back = await send(`${stack.gatewayUrl}/oauth2/consent`, {
    request: consent.request,
    csrf: consent.csrf,
    decision: 'allow',
  });
  expect(back.status).toBe(303);
}

const verify = () => audit<Verification>('/verify');

/** The entry a successful call through this test's client records. */
const recordedAs = (fields: Pick<AuditEntry, 'actor' | 'action' | 'target' | 'userAgent' | 'requestId'>): AuditEntry => ({
  id: expect.any(String),
  at: expect.any(String),
  ip: LOOPBACK,
  outcome: 'success',
  ...fields,
});

describe('the audit log through the gateway', () => {
  it('records a key rotation: the admin, the new key, the client’s address and user agent, and the response’s request id', async () => {
    const rotated = await act<{ kid: string }>('/auth/keys/rotate', admin, 'audit-e2e/rotation');
    expect(rotated.status).toBe(200);
    const requestId = rotated.headers.get('x-request-id') as string;
    const entry = await entryOf(requestId, `?action=oauth.keys.rotated&target=key:${rotated.body.kid}`);
    expect(entry).toEqual(
      recordedAs({
        actor: admin.id,
        action: 'oauth.keys.rotated',
        target: `key:${rotated.body.kid}`,
        userAgent: 'audit-e2e/rotation',
        requestId,
      }),
    );
    expect(Math.abs(Date.parse(entry.at) - Date.now())).toBeLessThan(60_000);
  });

  it('records a key withdrawal by the admin, naming the withdrawn key', async () => {
    const first = await act<{ kid: string }>('/auth/keys/rotate', admin, 'audit-e2e/setup');
    await act('/auth/keys/rotate', admin, 'audit-e2e/setup');
    const withdrawn = await act(`/auth/keys/${first.body.kid}/withdraw`, admin, 'audit-e2e/withdrawal');
    expect(withdrawn.status).toBe(200);
    const requestId = withdrawn.headers.get('x-request-id') as string;
    expect(await entryOf(requestId, `?action=oauth.keys.withdrawn`)).toEqual(
      recordedAs({
        actor: admin.id,
        action: 'oauth.keys.withdrawn',
        target: `key:${first.body.kid}`,
        userAgent: 'audit-e2e/withdrawal',
        requestId,
      }),
    );
  });

  it('records an application secret rotation by its owner, naming the application by client id', async () => {
    const owner = await someone();
    const application = await registerApplication(owner);
    const rotated = await act(`/applications/${application.id}/secret`, owner, 'audit-e2e/secret');
    expect(rotated.status).toBe(200);
    const requestId = rotated.headers.get('x-request-id') as string;
    expect(await entryOf(requestId, `?actor=${owner.id}&action=applications.secret.rotated`)).toEqual(
      recordedAs({
        actor: owner.id,
        action: 'applications.secret.rotated',
        target: `application:${application.clientId}`,
        userAgent: 'audit-e2e/secret',
        requestId,
      }),
    );
  });

  it('records a grant revocation by the user who had authorized the application', async () => {
    const owner = await someone();
    const user = await someone();
    const application = await registerApplication(owner);
    await grant(user, application.clientId);
    const revoked = await act(`/auth/grants/${application.clientId}`, user, 'audit-e2e/grant', 'DELETE');
    expect(revoked.status).toBe(204);
    const requestId = revoked.headers.get('x-request-id') as string;
    expect(await entryOf(requestId, `?target=application:${application.clientId}`)).toEqual(
      recordedAs({
        actor: user.id,
        action: 'oauth.grants.revoked',
        target: `application:${application.clientId}`,
        userAgent: 'audit-e2e/grant',
        requestId,
      }),
    );
  });

  it('filters by actor, action, target and time, newest first, in pages that end with a null cursor', async () => {
    const owner = await someone();
    const applications = [await registerApplication(owner), await registerApplication(owner), await registerApplication(owner)];
    const started = new Date(Date.now() - 1000).toISOString();
    for (const application of applications)
      expect((await act(`/applications/${application.id}/secret`, owner, 'audit-e2e/paging')).status).toBe(200);
    const all = await entriesOnceThere(`?actor=${owner.id}&action=applications.secret.rotated`, (items) => items.length === 3);
    expect(all.map((entry) => entry.target)).toEqual(applications.map((application) => `application:${application.clientId}`).reverse());
    expect(all.every((entry) => entry.action === 'applications.secret.rotated' && entry.actor === owner.id)).toBe(true);

    const onOne = await audit(`?target=application:${applications[1].clientId}&action=applications.secret.rotated`);
    expect(onOne.body.items.map((entry) => entry.id)).toEqual([all[1].id]);
    expect((await audit(`?actor=${owner.id}&action=applications.secret.rotated&from=${started}`)).body.items).toHaveLength(3);
    expect((await audit(`?actor=${owner.id}&action=applications.secret.rotated&to=${started}`)).body.items).toHaveLength(0);
    expect((await audit(`?actor=${owner.id}&action=oauth.keys.rotated`)).body.items).toHaveLength(0);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: ApiResponse<AuditPage & { code?: string }> = await audit(
        `?actor=${owner.id}&action=applications.secret.rotated&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((entry) => entry.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((entry) => entry.id));
  });

  it('shows a user their own recent security activity, and none of anyone else’s', async () => {
    const owner = await someone();
    const other = await someone();
    const application = await registerApplication(owner);
    const rotated = await act(`/applications/${application.id}/secret`, owner, 'audit-e2e/mine');
    const requestId = rotated.headers.get('x-request-id') as string;
    const own = await entriesOnceThere('/me', (items) => items.some((entry) => entry.requestId === requestId), owner);
    expect(own.every((entry) => entry.actor === owner.id || entry.target === `user:${owner.id}`)).toBe(true);
    const theirs = await call<AuditPage>(`${stack.api}/audit/me`, {
      token: other.token,
    });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((entry) => entry.requestId)).not.toContain(requestId);
  });

  it('refuses the log and its verification to anyone but an admin with 403 AUTH.FORBIDDEN', async () => {
    const user = await someone();
    for (const path of ['', '/verify', `?actor=${user.id}`]) {
      const refused = await audit(path, user);
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 403, code: 'AUTH.FORBIDDEN' });
    }
    expect((await call(`${stack.api}/audit`)).status).toBe(401);
  });

  it.each([
    ['an unknown query field', '?owner=x'],
    ['a malformed cursor', '?cursor=not-a-cursor'],
    ['a cursor it did not issue', '?cursor=AAAAAAAAAAAAAAAA'],
    ['a date that is not ISO 8601', '?from=yesterday'],
    ['a time range that ends before it starts', '?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'],
    ['an unknown action', '?action=users.hacked'],
    ['a page larger than 200', '?limit=201'],
  ])('answers %s with 400 VALIDATION', async (_case, query) => {
    const refused = await audit(query);
    expect({ status: refused.status, code: refused.body.code }).toEqual({
      status: 400,
      code: 'VALIDATION',
    });
    const mine = await call<{ code: string }>(`${stack.api}/audit/me?unknown=1`, { token: admin.token });
    expect(mine.status).toBe(400);
  });

  it('keeps the chain valid while many audited actions happen at once, each recorded once', async () => {
    const owners = await Promise.all([someone(), someone(), someone(), someone()]);
    const applications = await Promise.all(
      owners.flatMap((owner) => [registerApplication(owner), registerApplication(owner), registerApplication(owner)]),
    );
    const before = (await verify()).body.checked;
    const [secrets, keys] = await Promise.all([
      Promise.all(
        applications.map((application, i) => act(`/applications/${application.id}/secret`, owners[Math.floor(i / 3)], 'audit-e2e/burst')),
      ),
      // concurrent rotations make one key per generation: the others answer with the winner's, and record nothing
      Promise.all(Array.from({ length: 3 }, () => act<{ kid: string }>('/auth/keys/rotate', admin, 'audit-e2e/burst'))),
    ]);
    for (const response of [...secrets, ...keys]) expect(response.status).toBe(200);
    const requestIds = new Set(secrets.map((response) => response.headers.get('x-request-id')));
    const kids = new Set(keys.map((response) => `key:${response.body.kid}`));
    const recorded = await entriesOnceThere('?limit=200', (items) => {
      const burst = items.filter((entry) => entry.userAgent === 'audit-e2e/burst');
      return (
        [...requestIds].every((id) => burst.some((entry) => entry.requestId === id)) &&
        [...kids].every((kid) => burst.some((entry) => entry.target === kid))
      );
    });
    const burst = recorded.filter((entry) => entry.userAgent === 'audit-e2e/burst');
    expect(burst.filter((entry) => entry.action === 'applications.secret.rotated')).toHaveLength(applications.length);
    expect(new Set(burst.map((entry) => entry.id)).size).toBe(burst.length);
    const verified = await verify();
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({
      valid: true,
      checked: expect.any(Number),
      firstBrokenId: null,
    });
    expect(verified.body.checked).toBeGreaterThanOrEqual(before + burst.length);
  });

  it('detects an entry edited in the database, naming it, and one deleted, naming the entry after it', async () => {
    const owner = await someone();
    const applications = [await registerApplication(owner), await registerApplication(owner), await registerApplication(owner)];
    for (const application of applications) await act(`/applications/${application.id}/secret`, owner, 'audit-e2e/tamper');
    const [, middle, oldest] = await entriesOnceThere(`?actor=${owner.id}&action=applications.secret.rotated`, (items) => items.length === 3);
    await waitFor(async () => (await verify()).body.valid, {
      what: 'a valid chain',
      timeoutMs: 10_000,
    });
    const entries = db.collection<{
      _id: number;
      eventId: string;
      target: string | null;
    }>('entries');

    await entries.updateOne({ eventId: middle.id }, { $set: { target: 'application:someone-else' } });
    expect((await verify()).body).toEqual({
      valid: false,
      checked: expect.any(Number),
      firstBrokenId: middle.id,
    });
    await entries.updateOne({ eventId: middle.id }, { $set: { target: middle.target } });
    expect((await verify()).body).toMatchObject({
      valid: true,
      firstBrokenId: null,
    });

    const removed = await entries.findOne({ eventId: oldest.id });
    await entries.deleteOne({ eventId: oldest.id });
    const afterDeletion = (await verify()).body;
    const next = await entries.findOne({ _id: (removed?._id ?? 0) + 1 });
    expect(afterDeletion).toEqual({
      valid: false,
      checked: expect.any(Number),
      firstBrokenId: next?.eventId,
    });
    if (removed) await entries.insertOne(removed);
    expect((await verify()).body).toMatchObject({
      valid: true,
      firstBrokenId: null,
    });

    // the newest entry removed: the rest still chains, but the head anchored in Redis is missing
    const newest = await entries.find().sort({ _id: -1 }).limit(1).next();
    await entries.deleteOne({ _id: newest?._id });
    expect((await verify()).body).toEqual({ valid: false, checked: expect.any(Number), firstBrokenId: newest?.eventId });
    if (newest) await entries.insertOne(newest);
    expect((await verify()).body).toMatchObject({ valid: true, firstBrokenId: null });
  });
});

describe('account actions in the audit log', () => {
  /** A JSON call as `who` (or nobody) with its own user agent; the response's request id. */
  async function acted(path: string, userAgent: string, init: { method?: string; json?: unknown; token?: string } = {}) {
    const response = await call(`${stack.api}${path}`, { method: init.method ?? 'POST', json: init.json, token: init.token, headers: { 'user-agent': userAgent } });
    return { response, requestId: response.headers.get('x-request-id') as string };
  }

  it('records sign-ins, the refused ones with no actor and no account named', async () => {
    const user = await someone();
    const ok = await acted('/auth/login', 'audit-e2e/login', { json: { email: user.email, password: PASSWORD } });
    expect(ok.response.status).toBe(200);
    expect(await entryOf(ok.requestId, `?action=auth.login.succeeded&actor=${user.id}`)).toEqual(
      recordedAs({ actor: user.id, action: 'auth.login.succeeded', target: `user:${user.id}`, userAgent: 'audit-e2e/login', requestId: ok.requestId }),
    );

    const refused = await acted('/auth/login', 'audit-e2e/bad-login', { json: { email: user.email, password: 'not the password' } });
    expect(refused.response.status).toBe(401);
    expect(await entryOf(refused.requestId, '?action=auth.login.failed')).toEqual({
      ...recordedAs({ actor: null, action: 'auth.login.failed', target: null, userAgent: 'audit-e2e/bad-login', requestId: refused.requestId }),
      outcome: 'failure',
    });
  });

  it('records a password change by its owner, with the change itself', async () => {
    const user = await someone();
    const changed = await acted('/auth/password', 'audit-e2e/password', { token: user.token, json: { currentPassword: PASSWORD, newPassword: 'another fine password' } });
    expect(changed.response.status).toBe(204);
    expect(await entryOf(changed.requestId, `?action=auth.password.changed&target=user:${user.id}`)).toEqual(
      recordedAs({ actor: user.id, action: 'auth.password.changed', target: `user:${user.id}`, userAgent: 'audit-e2e/password', requestId: changed.requestId }),
    );
  });

  it('records an admin’s role change, read and deletion of another account, and shows them to that account', async () => {
    const user = await someone();
    const read = await acted(`/users/${user.id}`, 'audit-e2e/read', { method: 'GET', token: admin.token });
    expect(read.response.status).toBe(200);
    expect(await entryOf(read.requestId, `?action=users.profile.read&target=user:${user.id}`)).toEqual(
      recordedAs({ actor: admin.id, action: 'users.profile.read', target: `user:${user.id}`, userAgent: 'audit-e2e/read', requestId: read.requestId }),
    );
    const promoted = await acted(`/users/${user.id}`, 'audit-e2e/roles', { method: 'PATCH', token: admin.token, json: { roles: ['user', 'admin'] } });
    expect(promoted.response.status).toBe(200);
    expect(await entryOf(promoted.requestId, `?action=users.roles.changed&target=user:${user.id}`)).toMatchObject({ actor: admin.id });
    // the account sees what was done to it under My account
    const mine = await entriesOnceThere('/me', (items) => items.some((entry) => entry.action === 'users.roles.changed'), user);
    expect(mine.map((entry) => entry.action)).toEqual(expect.arrayContaining(['users.roles.changed', 'users.profile.read']));
    // who acted on them, not from where
    expect(mine.find((entry) => entry.action === 'users.roles.changed')).toMatchObject({ actor: admin.id, ip: null, userAgent: null });

    const deleted = await acted(`/users/${user.id}`, 'audit-e2e/delete', { method: 'DELETE', token: admin.token });
    expect(deleted.response.status).toBe(204);
    expect(await entryOf(deleted.requestId, `?action=users.deleted&target=user:${user.id}`)).toMatchObject({ actor: admin.id, outcome: 'success' });
  });

  it('records an admin’s search and list of accounts as a read of each account answered, and none of their own', async () => {
    const user = await someone();
    const searched = await acted(`/users?q=${encodeURIComponent(user.email)}`, 'audit-e2e/search', { method: 'GET', token: admin.token });
    expect(searched.response.status).toBe(200);
    expect((searched.response.body['items'] as { id: string }[]).map((item) => item.id)).toEqual([user.id]);
    expect(await entryOf(searched.requestId, `?action=users.profile.read&target=user:${user.id}`)).toEqual(
      recordedAs({ actor: admin.id, action: 'users.profile.read', target: `user:${user.id}`, userAgent: 'audit-e2e/search', requestId: searched.requestId }),
    );

    // a page of the whole list: every other account on it is recorded (once per admin and account
    // per 10 minutes), the admin's own is not
    const other = await someone();
    const pages: { requestId: string; ids: string[] }[] = [];
    for (let cursor: string | null = ''; cursor !== null && !pages.some((page) => page.ids.includes(other.id)); ) {
      const listed = await acted(`/users?limit=100${cursor ? `&cursor=${cursor}` : ''}`, 'audit-e2e/list', { method: 'GET', token: admin.token });
      expect(listed.response.status).toBe(200);
      pages.push({ requestId: listed.requestId, ids: (listed.response.body['items'] as { id: string }[]).map((item) => item.id) });
      cursor = listed.response.body['nextCursor'] as string | null;
    }
    const [first, last] = [pages[0], pages[pages.length - 1]];
    expect(first.ids[0]).toBe(admin.id); // the oldest account comes first
    expect(last.ids).toContain(other.id);
    expect(await entryOf(last.requestId, `?action=users.profile.read&target=user:${other.id}`)).toMatchObject({ actor: admin.id, userAgent: 'audit-e2e/list' });
    // a page's records go out in page order, and the audit service appends its producer's stream
    // in order: once one of a page's records is in, one for the admin (first on the first page)
    // would be too
    const byAdmin = await entriesOnceThere(`?action=users.profile.read&actor=${admin.id}&limit=200`, (items) => items.some((entry) => entry.requestId === first.requestId));
    expect(byAdmin.filter((entry) => entry.requestId === first.requestId).map((entry) => entry.target)).not.toContain(`user:${admin.id}`);
    // the account read by the search above is not recorded again by the list
    expect(byAdmin.filter((entry) => entry.target === `user:${user.id}`).map((entry) => entry.requestId)).toEqual([searched.requestId]);
  }, 120_000);

  it('records turning two-factor authentication on, and keeps the chain valid through all of it', async () => {
    const user = await someone();
    const setup = await call<{ secret: string }>(`${stack.api}/auth/mfa/totp/setup`, { method: 'POST', token: user.token });
    const enabled = await acted('/auth/mfa/totp/confirm', 'audit-e2e/mfa', { token: user.token, json: { code: await generate({ secret: setup.body.secret }) } });
    expect(enabled.response.status).toBe(200);
    expect(await entryOf(enabled.requestId, `?action=auth.mfa.enabled&actor=${user.id}`)).toEqual(
      recordedAs({ actor: user.id, action: 'auth.mfa.enabled', target: `user:${user.id}`, userAgent: 'audit-e2e/mfa', requestId: enabled.requestId }),
    );
    expect((await verify()).body).toMatchObject({ valid: true, firstBrokenId: null });
  });
});

describe('the account flows in the audit log', () => {
  /** The token of the first link to `path` mailed to `email`. */
  async function mailedToken(email: string, path: 'verify-email' | 'reset-password'): Promise<string> {
    let link: string | undefined;
    await waitFor(
      async () => {
        link = (await stack.mailbox.list(email)).flatMap((mail) => mail.links).find((href) => href.includes(`/${path}?token=`));
        return link !== undefined;
      },
      { what: `a ${path} mail to ${email}`, timeoutMs: 15_000, intervalMs: 200 },
    );
    return new URL(link as string).searchParams.get('token') as string;
  }
  const actions = async (user: Someone, expected: string[]) =>
    (await entriesOnceThere(`?target=user:${user.id}&limit=200`, (items) => expected.every((action) => items.some((entry) => entry.action === action)))).map(
      (entry) => entry.action,
    );

  it('records a verified address, a reset asked for and done, two-factor on and off, a recovery code, a wrong code, an export and the deletion', async () => {
    const user = await someone();
    const json = (path: string, body: unknown, token?: string, method = 'POST') => call(`${stack.api}${path}`, { method, json: body, token });
    const verified = await json('/auth/verify-email', { token: await mailedToken(user.email, 'verify-email') });
    expect({ status: verified.status, body: verified.body }).toEqual({ status: 204, body: undefined });
    expect((await json('/auth/password-reset', { email: user.email })).status).toBe(202);
    expect((await json('/auth/password-reset/confirm', { token: await mailedToken(user.email, 'reset-password'), newPassword: PASSWORD })).status).toBe(204);
    const { accessToken } = await stack.login(user.email, PASSWORD);

    const setup = await call<{ secret: string }>(`${stack.api}/auth/mfa/totp/setup`, { method: 'POST', token: accessToken });
    const epoch = Math.floor(Date.now() / 1000);
    const codes = await call<{ recoveryCodes: string[] }>(`${stack.api}/auth/mfa/totp/confirm`, { method: 'POST', token: accessToken, json: { code: await generate({ secret: setup.body.secret, epoch }) } });
    const challenge = async () => ((await json('/auth/login', { email: user.email, password: PASSWORD })).body as { mfaToken: string }).mfaToken;
    expect((await json('/auth/login/mfa', { mfaToken: await challenge(), code: '000000' })).status).toBe(401);
    const signedIn = await call<{ accessToken: string }>(`${stack.api}/auth/login/mfa`, { method: 'POST', json: { mfaToken: await challenge(), recoveryCode: codes.body.recoveryCodes[0] } });
    expect(signedIn.status).toBe(200);
    const session = signedIn.body.accessToken;
    expect((await json('/auth/mfa/totp', { code: await generate({ secret: setup.body.secret, epoch: epoch + 30 }) }, session, 'DELETE')).status).toBe(204);
    expect((await call(`${stack.api}/auth/me/export`, { token: session })).status).toBe(200);
    expect((await json('/auth/me', { password: PASSWORD }, session, 'DELETE')).status).toBe(204);

    const flow = [
      'auth.email.verified',
      'auth.password.reset',
      'auth.mfa.enabled',
      'auth.mfa.challenge-failed',
      'auth.mfa.recovery-code-used',
      'auth.mfa.disabled',
      'auth.account.exported',
      'auth.account.deleted',
    ];
    expect(await actions(user, flow)).toEqual(expect.arrayContaining(flow));
    // the reset request names no account: it is recorded all the same, with where it came from
    expect((await audit('?action=auth.password-reset.requested')).body.items[0]).toMatchObject({ actor: null, target: null, ip: LOOPBACK });
    expect((await verify()).body).toMatchObject({ valid: true, firstBrokenId: null });
  });
});

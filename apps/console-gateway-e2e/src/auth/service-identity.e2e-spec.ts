import { StreamKeys } from '@site11/messaging';
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import Redis from 'ioredis';
import { currentSigningKey } from '../support/signing-keys';
import { call, Stack } from '../support/stack';

/**
 * A process that holds the gateway's Redis credentials writes requests straight into the
 * services' streams, with envelopes it made up. Services must judge them by the credential they
 * verify, never by the actor or caller the envelope claims.
 */
const streamsOnly = process.env['TRANSPORT'] === 'redis' ? describe.skip : describe;

interface Reply {
  id: string;
  response?: unknown;
  err?: { code: string; kind: string; message: string };
}

let stack: Stack;
let forger: Redis;
let listener: Redis;
const replyChannel = StreamKeys.reply('console-gateway', `forger:${randomUUID()}`);
const waiting = new Map<string, (reply: Reply) => void>();
let seq = 0;

beforeAll(async () => {
  stack = await Stack.start({ ownRedis: true });
  forger = new Redis(stack.redisUrlOf('console-gateway'));
  listener = new Redis(stack.redisUrlOf('console-gateway'));
  await listener.subscribe(replyChannel);
  listener.on('message', (_channel: string, message: string) => {
    const reply = JSON.parse(message) as Reply;
    waiting.get(reply.id)?.(reply);
  });
});

afterAll(async () => {
  forger?.disconnect();
  listener?.disconnect();
  await stack?.stop();
});

/** Appends a hand-made request to `service`'s stream, as the transport's client would, and waits for its reply. */
async function forge(pattern: string, data: unknown, metadata: Record<string, unknown> = {}, options: { to?: string } = {}): Promise<Reply> {
  const id = `forged-${seq++}`;
  const deadline = Date.now() + 5000;
  const replied = new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to ${pattern}`)), 5000);
    waiting.set(id, (reply) => {
      clearTimeout(timer);
      resolve(reply);
    });
  });
  const envelope = { data, metadata: { requestId: randomUUID(), deadline, caller: 'console-gateway', ...metadata } };
  const service = options.to ?? pattern.split('.')[0];
  await forger.xadd(StreamKeys.requests(service), '*', 'id', id, 'pattern', pattern, 'reply', replyChannel, 'deadline', String(deadline), 'data', JSON.stringify(envelope));
  return replied;
}

async function userWithToken(): Promise<{ id: string; token: string }> {
  const email = `identity${Date.now().toString(36)}${seq++}@example.com`;
  const registered = await call<{ id: string }>(`${stack.api}/auth/register`, { method: 'POST', json: { email, password: 'a long enough password', name: 'Someone' } });
  expect(registered.status).toBe(201);
  return { id: registered.body.id, token: (await stack.login(email, 'a long enough password')).accessToken };
}

streamsOnly('services verify who calls them', () => {
  it('refuse an envelope that claims an admin actor but carries no token', async () => {
    const victim = await userWithToken();
    const reply = await forge('users.find-by-id', { id: victim.id }, { actor: { sub: victim.id, roles: ['admin'] } });
    expect(reply.err?.code).toBe('AUTH.UNAUTHENTICATED');
    expect(reply.response).toBeUndefined();
  });

  it('refuse a token signed by any key but the authority’s', async () => {
    const victim = await userWithToken();
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ roles: ['admin'], sid: randomUUID() })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'attacker' })
      .setIssuer('site11')
      .setAudience('site11-api')
      .setSubject(victim.id)
      .setExpirationTime('5m')
      .sign(privateKey);
    const reply = await forge('users.find-by-id', { id: victim.id }, { credential: forged });
    expect(reply.err?.code).toBe('AUTH.INVALID_TOKEN');
  });

  it('let a user’s real token read their own account, and no one else’s', async () => {
    const alice = await userWithToken();
    const bob = await userWithToken();
    const own = await forge('users.find-by-id', { id: alice.id }, { credential: alice.token });
    expect(own.err).toBeUndefined();
    expect(own.response).toMatchObject({ id: alice.id });
    // the envelope may claim admin: the token says otherwise
    const other = await forge('users.find-by-id', { id: bob.id }, { credential: alice.token, actor: { sub: alice.id, roles: ['admin'] } });
    expect(other.err?.code).toBe('AUTH.FORBIDDEN');
  });

  it('refuse to rotate or withdraw signing keys without an admin’s token', async () => {
    const before = await stack.oauthDb.collection('signing_keys').countDocuments();
    const user = await userWithToken();
    const anonymous = await forge('oauth.rotate-keys', {}, { actor: { sub: user.id, roles: ['admin'] } });
    expect(anonymous.err?.code).toBe('AUTH.UNAUTHENTICATED');
    const nonAdmin = await forge('oauth.rotate-keys', {}, { credential: user.token });
    expect(nonAdmin.err?.code).toBe('AUTH.FORBIDDEN');
    const { kid } = await currentSigningKey(stack);
    const withdraw = await forge('oauth.withdraw-key', { kid }, { credential: user.token });
    expect(withdraw.err?.code).toBe('AUTH.FORBIDDEN');
    expect(await stack.oauthDb.collection('signing_keys').countDocuments()).toBe(before);
  });

  it('keep operations meant for another service closed to users: checking a password', async () => {
    const user = await userWithToken();
    const reply = await forge('users.verify-credentials', { email: 'a@example.com', password: 'guess-guess-guess' }, { credential: user.token });
    expect(reply.err?.code).toBe('AUTH.FORBIDDEN');
  });

  it('accept a service token only from the authority and only where it is addressed', async () => {
    const { kid, privateKey } = await currentSigningKey(stack);
    const serviceToken = (audience: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', typ: 'svc+jwt', kid })
        .setIssuer('site11')
        .setAudience(audience)
        .setSubject('oauth')
        .setExpirationTime('1m')
        .sign(privateKey);
    const credentials = { email: 'nobody@example.com', password: 'a long enough password' };
    const elsewhere = await forge('users.verify-credentials', credentials, { credential: await serviceToken('statistics') });
    expect(elsewhere.err?.code).toBe('AUTH.INVALID_TOKEN');
    // addressed to users, signed by the authority: the call runs (and the password is simply wrong)
    const addressed = await forge('users.verify-credentials', credentials, { credential: await serviceToken('users') });
    expect(addressed.err?.code).toBe('AUTH.INVALID_CREDENTIALS');
  });

  it('never run an event handler for a request: a forged users.deleted ends nobody’s sessions', async () => {
    const victim = await userWithToken();
    const reply = await forge('users.deleted', { id: victim.id }, {}, { to: 'oauth' });
    expect(reply.err?.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.response).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await call(`${stack.api}/auth/me`, { token: victim.token })).status).toBe(200);
  });

  it('log a user out only from the session of their own token', async () => {
    const alice = await userWithToken();
    const reply = await forge('oauth.logout', { sid: randomUUID() }, { credential: alice.token });
    expect(reply.err?.code).toBe('AUTH.FORBIDDEN');
  });
});

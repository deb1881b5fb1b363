import Redis from 'ioredis';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, launch, ROOT, waitFor } from '../../../../tools/platform/platform.cjs';
import SERVICES from '../../../../tools/platform/services.json';
import { ADMIN, call, Stack } from '../support/stack';

/**
 * Each app connects to Redis as its own ACL user (tools/platform/redis-acl.cjs), limited to its
 * own keys, append-only on the request streams of the services it calls, consumer-group commands
 * on the event streams it consumes, and its own reply channels. A process holding one app's
 * credentials cannot write what another app owns, nor read requests addressed to another app.
 */

/** What Redis answers a command the user may not run on those keys or channels (scripts word it their own way). */
const REFUSED = /NOPERM|can't access/;

let stack: Stack;
let admin: Redis;
const opened: Redis[] = [];

/** A connection with `app`'s Redis credentials, as a process that stole them would open it. */
async function as(app: string): Promise<Redis> {
  const redis = new Redis(stack.redisUrlOf(app), { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  opened.push(redis);
  await redis.connect();
  return redis;
}

/** The Redis URL of the stack with no user or password in it. */
function anonymousUrl(): string {
  const url = new URL(stack.redisUrl);
  url.username = '';
  url.password = '';
  return url.toString();
}

/** Denials Redis recorded since the last reset, by user: what was refused and why. */
async function aclDenials(redis: Redis): Promise<string[]> {
  const entries = (await redis.call('ACL', 'LOG')) as (string | number)[][];
  return entries.map((entry) => {
    const fields = new Map<string, string>();
    for (let i = 0; i + 1 < entry.length; i += 2) fields.set(String(entry[i]), String(entry[i + 1]));
    return `${fields.get('username')}: ${fields.get('reason')} ${fields.get('object')} (${fields.get('context')})`;
  });
}

async function expectRefused(attempts: Record<string, () => Promise<unknown>>): Promise<void> {
  const outcomes: Record<string, string> = {};
  for (const [what, attempt] of Object.entries(attempts)) {
    outcomes[what] = await attempt().then(
      (result) => `allowed (${JSON.stringify(result)})`,
      (error: Error) => (REFUSED.test(error.message) ? 'refused' : `failed otherwise: ${error.message}`),
    );
  }
  expect(outcomes).toEqual(Object.fromEntries(Object.keys(attempts).map((what) => [what, 'refused'])));
}

beforeAll(async () => {
  stack = await Stack.start({ ownRedis: true });
  admin = new Redis(stack.redisUrl);
});

afterAll(async () => {
  for (const redis of opened) redis.disconnect();
  admin?.disconnect();
  await stack?.stop();
});

describe('Redis users per app', () => {
  // first: the denials it checks are those of the stack's own work, before the tests below add theirs
  it('lets each app do its work: the whole stack serves requests with per-app users', async () => {
    const email = `acl-${randomBytes(4).toString('hex')}@example.com`;
    const password = 'a long enough password';
    const registered = await call<{ id: string }>(`${stack.api}/auth/register`, { method: 'POST', json: { email, password, name: 'Acl' } });
    expect(registered.status).toBe(201);
    const { accessToken } = await stack.login(email, password);
    expect((await call(`${stack.api}/auth/me`, { token: accessToken })).status).toBe(200);

    const adminToken = await stack.adminToken();
    expect((await call(`${stack.api}/users?limit=5`, { token: adminToken })).status).toBe(200);
    const services = await call<{ name: string; instances: { status: string }[] }[]>(`${stack.api}/services`, { token: adminToken });
    expect(services.status).toBe(200);
    expect(services.body.map((service) => service.name)).toEqual(expect.arrayContaining(['console-gateway', 'oauth', 'users']));
    expect((await call(`${stack.gatewayUrl}/health/ready`)).status).toBe(200);

    // users emits, oauth consumes: the deleted user's session ends through the event stream
    expect((await call(`${stack.api}/users/${registered.body.id}`, { method: 'DELETE', token: adminToken })).status).toBe(204);
    const deadline = Date.now() + 5000;
    let me = await call(`${stack.api}/auth/me`, { token: accessToken });
    while (me.status !== 401 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      me = await call(`${stack.api}/auth/me`, { token: accessToken });
    }
    expect(me.body).toMatchObject({ code: 'AUTH.TOKEN_REVOKED' });

    // nothing any app ran since its start was refused (ACL LOG records failed logins too)
    expect(await aclDenials(admin)).toEqual([]);
    expect(await admin.call('ACL', 'WHOAMI')).toBe('admin');
  });

  it('lets no client in without credentials', async () => {
    const anonymous = new Redis(anonymousUrl(), { lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    opened.push(anonymous);
    await anonymous.connect();
    await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
    await expect(anonymous.hget('auth:jwks', 'jwks')).rejects.toThrow(/NOAUTH/);
    await expect(anonymous.xrange('rpc:{users}', '-', '+')).rejects.toThrow(/NOAUTH/);
    await expect(anonymous.auth('default', '')).rejects.toThrow(/WRONGPASS/);
    await expect(anonymous.auth('users', 'a-guessed-password')).rejects.toThrow(/WRONGPASS/);
    await expect(anonymous.auth('admin', ADMIN.password)).rejects.toThrow(/WRONGPASS/);
  });

  it("refuses the users service's Redis user a write to oauth's event streams, dead letters and request stream", async () => {
    const users = await as('users');
    const lengths = async () => Promise.all(['evt:{oauth}:oauth.sessions-revoked', 'dlq:{oauth}', 'rpc:{oauth}'].map((key) => admin.xlen(key)));
    const before = await lengths();
    await expectRefused({
      'XADD an oauth event': () => users.xadd('evt:{oauth}:oauth.sessions-revoked', '*', 'pattern', 'oauth.sessions-revoked', 'data', '{}'),
      'XADD a dead letter of oauth': () => users.xadd('dlq:{oauth}', '*', 'reason', 'forged'),
      'XADD a request to oauth (users calls nobody)': () =>
        users.xadd('rpc:{oauth}', '*', 'id', 'x', 'pattern', 'oauth.logout', 'reply', 'rpc:reply:users:x', 'deadline', '0', 'data', '{}'),
      'XTRIM the requests of oauth': () => users.xtrim('rpc:{oauth}', 'MAXLEN', 0),
      'DEL the requests of oauth': () => users.del('rpc:{oauth}'),
      'XADD to oauth from a script naming the key': () => users.eval("return redis.call('XADD', KEYS[1], '*', 'a', 'b')", 1, 'rpc:{oauth}'),
      'XADD to oauth from a script hiding the key': () => users.eval("return redis.call('XADD', 'rpc:{oauth}', '*', 'a', 'b')", 0),
      "take over oauth's liveness": () => users.zadd('live:{oauth}', Date.now() + 60_000, 'impostor'),
      "write oauth's idempotency records": () => users.hset('idem:{oauth}:c:console-gateway:u:k', 's', 'done'),
    });
    expect(await lengths()).toEqual(before);
  });

  it("refuses the users service's Redis user reading the gateway's requests to oauth", async () => {
    const users = await as('users');
    await expectRefused({
      XRANGE: () => users.xrange('rpc:{oauth}', '-', '+'),
      XREAD: () => users.xread('COUNT', 1, 'STREAMS', 'rpc:{oauth}', '0'),
      'XREADGROUP as oauth': () => users.xreadgroup('GROUP', 'oauth', 'impostor', 'COUNT', 1, 'STREAMS', 'rpc:{oauth}', '0'),
      'XINFO STREAM FULL': () => users.xinfo('STREAM', 'rpc:{oauth}', 'FULL'),
      'XRANGE from a script': () => users.eval("return redis.call('XRANGE', 'rpc:{oauth}', '-', '+')", 0),
      "SUBSCRIBE to the gateway's replies": async () => (await as('users')).subscribe('rpc:reply:console-gateway:x'),
      'PSUBSCRIBE to every reply': async () => (await as('users')).psubscribe('rpc:reply:*'),
    });
  });

  it('lets a caller (oauth) append requests to the service it calls, and never read them back', async () => {
    const oauth = await as('oauth');
    const id = await oauth.xadd('rpc:{users}', '*', 'id', 'x', 'pattern', 'users.none', 'reply', 'rpc:reply:oauth:x', 'deadline', '0', 'data', '{}');
    expect(id).toEqual(expect.any(String));
    await admin.xdel('rpc:{users}', id as string);
    await expectRefused({
      "XRANGE the gateway's requests to users (passwords travel there)": () => oauth.xrange('rpc:{users}', '-', '+'),
      'XREADGROUP as users': () => oauth.xreadgroup('GROUP', 'users', 'impostor', 'COUNT', 1, 'STREAMS', 'rpc:{users}', '>'),
      'XACK as users': () => oauth.xack('rpc:{users}', 'users', '0-1'),
      'XDEL a request': () => oauth.xdel('rpc:{users}', '0-1'),
    });
  });

  it("refuses the gateway's Redis user writing events as users, or the JWKS and denylist keys", async () => {
    const gateway = await as('console-gateway');
    const jwks = await admin.hget('auth:jwks', 'jwks');
    await expectRefused({
      'XADD users.deleted': () => gateway.xadd('evt:{users}:users.deleted', '*', 'pattern', 'users.deleted', 'data', '{}'),
      'publish an outbox event of users by script': () =>
        gateway.eval("return redis.call('XADD', KEYS[2], '*', 'pattern', 'users.deleted')", 2, 'evtpub:{users}:e1', 'evt:{users}:users.deleted'),
      'HSET auth:jwks': () => gateway.hset('auth:jwks', 'generation', '999', 'jwks', '{"keys":[]}'),
      'DEL auth:jwks': () => gateway.del('auth:jwks'),
      'deny a session': () => gateway.set('auth:denied:{s1}:session', '1', 'EX', 60),
      'withdraw a signing key': () => gateway.set('auth:withdrawn-key:{k1}', '1', 'EX', 60),
      "announce itself as users in the registry": () => gateway.set('registry:instance:users:impostor', '{}'),
    });
    // what it needs: read the keys oauth publishes, keep its rate limits
    expect(await gateway.hget('auth:jwks', 'jwks')).toBe(jwks);
    expect(await gateway.exists('auth:denied:{s1}:session')).toBe(0);
    expect(await gateway.incr('rl:acl-test')).toBe(1);
  });

  it('refuses a consumer (oauth) adding events to the stream it consumes', async () => {
    const oauth = await as('oauth');
    const stream = 'evt:{users}:users.deleted';
    const before = await admin.xlen(stream);
    await expectRefused({
      XADD: () => oauth.xadd(stream, '*', 'pattern', 'users.deleted', 'data', '{}'),
      'XADD by script': () => oauth.eval("return redis.call('XADD', KEYS[1], '*', 'pattern', 'users.deleted')", 1, stream),
      XTRIM: () => oauth.xtrim(stream, 'MAXLEN', 0),
      XDEL: () => oauth.xdel(stream, '0-1'),
      DEL: () => oauth.del(stream),
      'XGROUP DESTROY': () => oauth.xgroup('DESTROY', stream, 'oauth'),
      'XGROUP SETID': () => oauth.xgroup('SETID', stream, 'oauth', '$'),
    });
    expect(await admin.xlen(stream)).toBe(before);
    // what it needs: its consumer group on users' event streams
    const consumed = 'evt:{users}:users.acl-checked';
    expect(await oauth.xgroup('CREATE', consumed, 'oauth', '$', 'MKSTREAM')).toBe('OK');
    expect(await oauth.xreadgroup('GROUP', 'oauth', 'acl-test', 'COUNT', 1, 'STREAMS', consumed, '>')).toBeNull();
    expect(await oauth.xpending(consumed, 'oauth')).toEqual([0, null, null, null]);
  });

  it('refuses an app announcing itself as another in the registry, while it reads every entry', async () => {
    const users = await as('users');
    await expectRefused({
      "SET oauth's instance entry": () => users.set('registry:instance:oauth:impostor', '{}'),
      "ZADD to oauth's instances": () => users.zadd('registry:service:oauth', Date.now(), 'impostor'),
      'DEL the list of services': () => users.del('registry:services'),
      'SREM a service': () => users.srem('registry:services', 'oauth'),
    });
    expect(await users.smembers('registry:services')).toEqual(expect.arrayContaining(['users', 'oauth', 'console-gateway']));
    expect(await users.zcard('registry:service:oauth')).toBeGreaterThan(0);
  });

  it('refuses app users the commands that list, dump or reconfigure everything', async () => {
    const users = await as('users');
    await expectRefused({
      KEYS: () => users.keys('*'),
      SCAN: () => users.scan('0'),
      'CONFIG GET': () => users.config('GET', 'requirepass'),
      'ACL LIST': () => users.call('ACL', 'LIST'),
      FLUSHALL: () => users.flushall(),
      'CLIENT LIST': () => users.client('LIST'),
      'FUNCTION LOAD': () => users.call('FUNCTION', 'LOAD', "#!lua name=evil\nredis.register_function('f', function() return 1 end)"),
      'SCRIPT FLUSH': () => users.call('SCRIPT', 'FLUSH'),
    });
  });
});

describe('the Redis users of docker compose', () => {
  // one per app: the gateway and every service of tools/platform/services.json (generated ones too)
  const secret = () => randomBytes(18).toString('base64url');
  const passwords: Record<string, string> = {
    REDIS_ADMIN_PASSWORD: secret(),
    ...Object.fromEntries(['console-gateway', ...SERVICES.map((service) => service.name)].map((app) => [`${app.toUpperCase().replace(/-/g, '_')}_REDIS_PASSWORD`, secret()])),
  };
  const render = (output: string, env: Record<string, string>) =>
    execFileSync('sh', [join(ROOT, 'docker/redis/render-acl.sh'), output], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'pipe' });

  it('renders from the passwords a file that holds none of them, and refuses to render without one', () => {
    const dir = join(stack.logDir, 'compose-acl');
    mkdirSync(dir, { recursive: true });
    render(join(dir, 'users.acl'), passwords);
    const rendered = readFileSync(join(dir, 'users.acl'), 'utf8');
    for (const password of Object.values(passwords)) expect(rendered).not.toContain(password);
    expect(rendered).toMatch(/^user default .*\boff\b/m);

    const { OAUTH_REDIS_PASSWORD: _missing, ...incomplete } = passwords;
    expect(() => render(join(dir, 'incomplete.acl'), incomplete)).toThrow(/OAUTH_REDIS_PASSWORD/);
    expect(() => render(join(dir, 'weak.acl'), { ...passwords, USERS_REDIS_PASSWORD: 'p@ss word' })).toThrow(/USERS_REDIS_PASSWORD/);
  });

  it('admits each app with its password and no one without, as Redis loads the rendered file', async () => {
    const dir = join(stack.logDir, 'compose-redis');
    mkdirSync(dir, { recursive: true });
    render(join(dir, 'users.acl'), passwords);
    const port = await freePort();
    const redis = launch('compose-redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--aclfile', join(dir, 'users.acl')], {
      logFile: join(dir, 'redis.log'),
    });
    try {
      const connect = (user?: string, password?: string) => {
        const client = new Redis({ port, host: '127.0.0.1', username: user, password, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
        opened.push(client);
        return client;
      };
      await waitFor(
        async () => {
          const probe = connect('admin', passwords['REDIS_ADMIN_PASSWORD']);
          try {
            await probe.connect();
            return (await probe.ping()) === 'PONG';
          } finally {
            probe.disconnect();
          }
        },
        { what: 'redis-server with the compose ACL', child: redis.child },
      );

      const users = connect('users', passwords['USERS_REDIS_PASSWORD']);
      await users.connect();
      expect(await users.xadd('rpc:{users}', '*', 'a', 'b')).toEqual(expect.any(String));
      await expect(users.xadd('rpc:{oauth}', '*', 'a', 'b')).rejects.toThrow(REFUSED);
      const gateway = connect('console-gateway', passwords['CONSOLE_GATEWAY_REDIS_PASSWORD']);
      await gateway.connect();
      expect(await gateway.xadd('rpc:{oauth}', '*', 'a', 'b')).toEqual(expect.any(String));
      await expect(gateway.xrange('rpc:{oauth}', '-', '+')).rejects.toThrow(REFUSED);

      const anonymous = connect();
      await anonymous.connect();
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
      await expect(anonymous.auth('oauth', passwords['USERS_REDIS_PASSWORD'])).rejects.toThrow(/WRONGPASS/);
    } finally {
      await redis.stop('SIGKILL');
    }
  });
});

import { request } from 'node:http';
import { Stack } from '../support/stack';

interface Answer {
  status: number;
  retryAfter: number;
  body: Record<string, unknown>;
}

/** A JSON POST sent from a chosen local address (127.0.0.1 and 127.0.0.2 are both this machine). */
function postFrom(from: string, url: string, json: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const body = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 0), body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('client addresses and per-account limits', () => {
  let stack: Stack;
  let port: number;
  const password = 'the owner password';
  let owner: string;

  beforeAll(async () => {
    stack = await Stack.start({
      ownRedis: true,
      gatewayEnv: { HOST: '0.0.0.0', TRUST_PROXY: '1', RATE_LIMIT_PER_IP: '10', RATE_LIMIT_PER_ACCOUNT: '3', RATE_LIMIT_WINDOW_SECONDS: '60' },
    });
    port = Number(new URL(stack.gatewayUrl).port);
    owner = `owner-${Date.now()}@example.com`;
    const registered = await postFrom('127.0.0.1', `http://127.0.0.1:${port}/api/v1/auth/register`, { email: owner, password, name: 'Owner' });
    expect(registered.status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const login = (from: string, email: string, pw: string, headers?: Record<string, string>) =>
    postFrom(from, `http://127.0.0.1:${port}/api/v1/auth/login`, { email, password: pw }, headers);

  it('takes the client address from the hop the trusted proxy added, not from what the client wrote', async () => {
    // the proxy appends the address it saw; everything left of it is the client's own claim
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const forwarded = `6.6.6.${i}, 10.0.0.5`;
      statuses.push((await login('127.0.0.1', `spoof-${i}@example.com`, 'wrong password', { 'x-forwarded-for': forwarded })).status);
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });

  it('does not let failures from one address lock the owner out from another', async () => {
    for (let i = 0; i < 3; i++) expect((await login('127.0.0.2', owner, 'guessing wrong')).status).toBe(401);
    const attacker = await login('127.0.0.2', owner, 'guessing wrong');
    expect(attacker.status).toBe(429);
    expect(attacker.body).toMatchObject({ code: 'AUTH.RATE_LIMITED' });

    expect((await login('127.0.0.1', owner, password)).status).toBe(200);
  });

  it('makes an address wait twice as long after each lockout on the same account', async () => {
    const first = await login('127.0.0.2', owner, 'guessing wrong');
    expect(first.status).toBe(429);
    expect(first.retryAfter).toBeGreaterThan(30);
    expect(first.retryAfter).toBeLessThanOrEqual(60);

    const redis = new (await import('ioredis')).default(stack.redisUrl);
    try {
      // the window ends: the address may try again, and locks itself out once more
      for (const key of await redis.keys('rl:login:account-ip:*')) await redis.del(key);
    } finally {
      redis.disconnect();
    }
    for (let i = 0; i < 3; i++) expect((await login('127.0.0.2', owner, 'guessing wrong')).status).toBe(401);
    const second = await login('127.0.0.2', owner, 'guessing wrong');
    expect(second.status).toBe(429);
    expect(second.retryAfter).toBeGreaterThan(60);
  });
});

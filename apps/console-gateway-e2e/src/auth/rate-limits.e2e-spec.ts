import { call, Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start({
    ownRedis: true,
    gatewayEnv: {
      RATE_LIMIT_PER_IP: '5',
      RATE_LIMIT_PER_ACCOUNT: '3',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      CORS_ORIGINS: 'https://console.example',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

const login = (email: string) =>
  call(`${stack.api}/auth/login`, { method: 'POST', json: { email, password: 'wrong password' } });

describe('rate limits on auth routes', () => {
  it('limit attempts per account, then per IP, with 429 and Retry-After, in Redis', async () => {
    for (let i = 0; i < 3; i++) expect((await login('victim@example.com')).status).toBe(401);
    const limited = await login('Victim@Example.com');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'AUTH.RATE_LIMITED' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // another account from the same IP still gets through until the per-IP budget is spent
    expect((await login('other@example.com')).status).toBe(401);
    expect((await login('third@example.com')).status).toBe(429);

    // counters live in Redis, so every gateway replica enforces the same budget
    const { default: Redis } = await import('ioredis');
    const redis = new Redis(stack.redisUrl);
    try {
      expect(await redis.keys('rl:login:*')).not.toHaveLength(0);
    } finally {
      redis.disconnect();
    }
  });

  it('keep separate budgets per route', async () => {
    const response = await call(`${stack.api}/auth/refresh`, { method: 'POST', json: { refreshToken: 'A'.repeat(43) } });
    expect(response.status).toBe(401);
  });
});

describe('CORS', () => {
  it('allows the configured origin and no other', async () => {
    const preflight = (origin: string) =>
      fetch(`${stack.api}/auth/login`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    expect((await preflight('https://console.example')).headers.get('access-control-allow-origin')).toBe(
      'https://console.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

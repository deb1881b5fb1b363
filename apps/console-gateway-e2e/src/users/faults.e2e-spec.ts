import { Types } from 'mongoose';
import { call as rawCall, Stack } from '../support/stack';

const DEADLINE_MS = 1500;
let stack: Stack;
let adminToken: string;
const call: typeof rawCall = (url, init = {}) => rawCall(url, { token: adminToken, ...init });

beforeAll(async () => {
  stack = await Stack.start({ ownRedis: true, gatewayEnv: { RPC_DEADLINE_MS: String(DEADLINE_MS) } });
  adminToken = await stack.adminToken();
});

afterAll(async () => {
  await stack?.stop();
});

const someId = () => new Types.ObjectId().toHexString();

describe('when the users service is down', () => {
  it('answers 503 SERVICE_UNAVAILABLE at once, and recovers when the service is back', async () => {
    await stack.users.stop();

    const response = await call(`${stack.api}/users/${someId()}`);
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', statusCode: 503 });
    expect(response.ms).toBeLessThan(500);

    await stack.startUsersAgain();
    expect((await call(`${stack.api}/users/${someId()}`)).status).toBe(404);
  });
});

describe('when the users service does not answer', () => {
  it('answers 504 UPSTREAM_TIMEOUT after the deadline, not later', async () => {
    stack.users.child.kill('SIGSTOP');
    try {
      const response = await call(`${stack.api}/users/${someId()}`);
      expect(response.status).toBe(504);
      expect(response.body).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      expect(response.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
      expect(response.ms).toBeLessThan(DEADLINE_MS + 1000);
    } finally {
      stack.users.child.kill('SIGCONT');
    }
  });

  it('does not run a request whose deadline passed while it waited', async () => {
    const email = `late-${Date.now()}@example.com`;
    stack.users.child.kill('SIGSTOP');
    try {
      const response = await call(`${stack.api}/users`, { method: 'POST', json: { email, name: 'Late' } });
      expect(response.status).toBe(504);
    } finally {
      stack.users.child.kill('SIGCONT');
    }
    // the service wakes up with the request queued; it must drop it, not create the user
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await stack.db.collection('users').countDocuments({ email })).toBe(0);
  });
});

describe('when Redis is down', () => {
  it('answers 503 promptly, reports not ready but live, and recovers by itself when Redis is back', async () => {
    const startRedisAgain = await stack.stopRedis();
    try {
      const response = await call(`${stack.api}/users/${someId()}`);
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(response.ms).toBeLessThan(1000);

      expect((await call(`${stack.gatewayUrl}/health/live`)).status).toBe(200);
      const gatewayReady = await call(`${stack.gatewayUrl}/health/ready`);
      expect(gatewayReady.status).toBe(503);
      expect(gatewayReady.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
      expect((await call(`${stack.usersHealthUrl}/health/ready`)).status).toBe(503);
      expect((await call(`${stack.usersHealthUrl}/health/live`)).status).toBe(200);
      const oauthHealth = `http://127.0.0.1:${stack.oauth.healthPort}/health`;
      expect((await call(`${oauthHealth}/ready`)).status).toBe(503);
      expect((await call(`${oauthHealth}/live`)).status).toBe(200);
    } finally {
      await startRedisAgain();
    }

    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await call(`${stack.api}/users/${someId()}`)).status;
      if (status === 404) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(404);
    let ready = 0;
    while (Date.now() < deadline && ready !== 200) {
      ready = (await call(`${stack.gatewayUrl}/health/ready`)).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(ready).toBe(200);
    expect((await call(`${stack.usersHealthUrl}/health/ready`)).status).toBe(200);
  });
});

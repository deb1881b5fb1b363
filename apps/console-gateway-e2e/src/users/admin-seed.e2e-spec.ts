import { join } from 'node:path';
import { freePort, launch, ROOT } from '../../../../tools/platform/platform.cjs';
import { call, Stack } from '../support/stack';

/** Starts one more users instance with the first-admin settings given; resolves when it is ready or has exited. */
async function startUsers(stack: Stack, admin: { email: string; password: string }) {
  const port = await freePort();
  const proc = launch('users-seed', process.execPath, [join(ROOT, 'dist/apps/users/main.js')], {
    env: { ...process.env, ...stack.usersEnvironment, HEALTH_PORT: String(port), INSTANCE_ID: `seed-${port}`, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
  });
  let output = '';
  proc.child.stdout?.on('data', (chunk) => (output += chunk));
  proc.child.stderr?.on('data', (chunk) => (output += chunk));
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.status, () => 0);
      if (status === 200) return 'ready' as const;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return 'timeout' as const;
  })();
  const outcome = await Promise.race([ready, proc.exited.then(({ code }) => ({ code }))]);
  return { outcome, output: () => output, stop: () => proc.stop() };
}

async function rolesOf(stack: Stack, email: string, password: string): Promise<string[]> {
  const { accessToken } = await stack.login(email, password);
  return (await call<{ roles: string[] }>(`${stack.api}/auth/me`, { token: accessToken })).body.roles;
}

describe('the first-admin seed', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses to boot rather than promote an account someone else registered with the ADMIN_EMAIL address', async () => {
    const email = `squatter-${Date.now()}@example.com`;
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email, password: 'the squatter password', name: 'Squatter' } });

    const users = await startUsers(stack, { email, password: 'the operator password' });
    try {
      expect(users.outcome).toEqual({ code: 1 });
      expect(users.output()).toContain('ADMIN_EMAIL');
      expect(await rolesOf(stack, email, 'the squatter password')).toEqual(['user']);
    } finally {
      await users.stop();
    }
  });

  it('promotes an existing account whose password is ADMIN_PASSWORD', async () => {
    const email = `operator-${Date.now()}@example.com`;
    const password = 'the operator password';
    await call(`${stack.api}/auth/register`, { method: 'POST', json: { email, password, name: 'Operator' } });

    const users = await startUsers(stack, { email, password });
    try {
      expect(users.outcome).toBe('ready');
      expect(await rolesOf(stack, email, password)).toEqual(expect.arrayContaining(['admin']));
    } finally {
      await users.stop();
    }
  });
});

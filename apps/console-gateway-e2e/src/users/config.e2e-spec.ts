import { join } from 'node:path';
import { launch, ROOT } from '../../../../tools/platform/platform.cjs';

async function boot(app: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { PATH, HOME } = process.env;
  const proc = launch(app, process.execPath, [join(ROOT, 'dist/apps', app, 'main.js')], {
    env: { PATH, HOME, NODE_ENV: 'test', ...env },
  });
  let output = '';
  proc.child.stdout?.on('data', (chunk) => (output += chunk));
  proc.child.stderr?.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
  const { code } = await proc.exited;
  clearTimeout(timer);
  return { code, output };
}

describe('configuration validated at boot', () => {
  it('stops the users service with a message naming a missing variable', async () => {
    const { code, output } = await boot('users', { REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(code).toBe(1);
    expect(output).toContain('MONGODB_URI');
  });

  it('stops the gateway with a message naming a bad variable', async () => {
    const { code, output } = await boot('console-gateway', { REDIS_URL: 'redis://127.0.0.1:6379', PORT: 'eighty' });
    expect(code).toBe(1);
    expect(output).toMatch(/PORT.*eighty/);
  });

  it('refuses TRUST_PROXY=true, which would let every client choose its own address', async () => {
    const { code, output } = await boot('console-gateway', { REDIS_URL: 'redis://127.0.0.1:6379', TRUST_PROXY: 'true' });
    expect(code).toBe(1);
    expect(output).toContain('TRUST_PROXY');
  });

  it('refuses to run oauth in production without a key-encryption key for its private signing keys', async () => {
    const { code, output } = await boot('oauth', {
      REDIS_URL: 'redis://127.0.0.1:6379',
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      NODE_ENV: 'production',
    });
    expect(code).toBe(1);
    expect(output).toMatch(/KEY_ENCRYPTION_KEY: .*required when NODE_ENV=production.*\(missing\)/);
  });

  it('refuses a malformed key-encryption key without printing it', async () => {
    const { code, output } = await boot('oauth', {
      REDIS_URL: 'redis://127.0.0.1:6379',
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      KEY_ENCRYPTION_KEY: 'too-short-to-be-a-key',
    });
    expect(code).toBe(1);
    expect(output).toContain('KEY_ENCRYPTION_KEY');
    expect(output).not.toContain('too-short-to-be-a-key');
  });

  it('refuses METRICS_PORT equal to PORT, which would put metrics back on the public port', async () => {
    const { code, output } = await boot('console-gateway', { REDIS_URL: 'redis://127.0.0.1:6379', PORT: '3000', METRICS_PORT: '3000' });
    expect(code).toBe(1);
    expect(output).toMatch(/METRICS_PORT: METRICS_PORT must differ from PORT/);
  });

  it('refuses to run tests against a database not named as a test database', async () => {
    const { code, output } = await boot('users', {
      REDIS_URL: 'redis://127.0.0.1:6379',
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      USERS_DB_NAME: 'users_db',
    });
    expect(code).toBe(1);
    expect(output).toContain('Refusing to run tests against "users_db"');
  });
});

describe('the first admin’s configuration', () => {
  it('stops the users service when ADMIN_EMAIL is given without ADMIN_PASSWORD', async () => {
    const { code, output } = await boot('users', {
      REDIS_URL: 'redis://127.0.0.1:6379',
      MONGODB_URI: 'mongodb://127.0.0.1:1/',
      USERS_DB_NAME: 'users_test_x',
      ADMIN_EMAIL: 'admin@example.com',
    });
    expect(code).toBe(1);
    expect(output).toContain('ADMIN_PASSWORD');
  });
});

import { InvalidConfigError, validateConfig } from './validate-config';
import { IsBoolean, Matches } from 'class-validator';
import { EnvBoolean, ServiceConfig } from './base.config';

describe('validateConfig', () => {
  const valid = { REDIS_URL: 'redis://127.0.0.1:6379', MONGODB_URI: 'mongodb://127.0.0.1:27017/' };

  it('applies defaults and converts numbers from strings', () => {
    const config = validateConfig(ServiceConfig, { ...valid, RPC_DEADLINE_MS: '2500', UNRELATED: 'x' });
    expect(config).toBeInstanceOf(ServiceConfig);
    expect(config.RPC_DEADLINE_MS).toBe(2500);
    expect(config.NODE_ENV).toBe('development');
    expect(config.HEALTH_HOST).toBe('0.0.0.0');
  });

  it('names every missing variable', () => {
    expect(() => validateConfig(ServiceConfig, {})).toThrow(/REDIS_URL[^\n]*\(missing\)/);
    expect(() => validateConfig(ServiceConfig, {})).toThrow(/MONGODB_URI[^\n]*\(missing\)/);
  });

  it('names a bad variable and shows the value it was given', () => {
    let error: unknown;
    try {
      validateConfig(ServiceConfig, { ...valid, RPC_DEADLINE_MS: 'soon', NODE_ENV: 'staging' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    const problems = (error as InvalidConfigError).problems.join('\n');
    expect(problems).toMatch(/RPC_DEADLINE_MS: .*\(got "soon"\)/);
    expect(problems).toMatch(/NODE_ENV: .*\(got "staging"\)/);
  });

  it('never shows the value of a secret it refuses', () => {
    class WithSecrets extends ServiceConfig {
      @Matches(/^.{40,}$/)
      KEY_ENCRYPTION_KEY?: string = undefined;

      @Matches(/^.{40,}$/)
      ADMIN_PASSWORD?: string = undefined;

      @Matches(/^.{400,}$/)
      KEY_ENCRYPTION_KEYS_PREVIOUS?: string = undefined;
    }
    let error: unknown;
    try {
      validateConfig(WithSecrets, {
        ...valid,
        KEY_ENCRYPTION_KEY: 'short-kek-value',
        ADMIN_PASSWORD: 'hunter2hunter2',
        KEY_ENCRYPTION_KEYS_PREVIOUS: 'old-kek-one, old-kek-two',
        REDIS_URL: 'redis://users:s3cret-redis-pass@redis:6379 oops',
      });
    } catch (caught) {
      error = caught;
    }
    const problems = (error as InvalidConfigError).problems.join('\n');
    expect(problems).toMatch(/KEY_ENCRYPTION_KEY: .*\(given, not shown\)/);
    expect(problems).toMatch(/ADMIN_PASSWORD: .*\(given, not shown\)/);
    expect(problems).not.toContain('short-kek-value');
    expect(problems).not.toContain('hunter2');
    expect(problems).not.toContain('old-kek');
    // a URL is shown, for what is wrong with it, but without its credentials
    expect(problems).toContain('redis://***@redis:6379 oops');
    expect(problems).not.toContain('s3cret-redis-pass');
  });

  it('treats an empty variable as missing', () => {
    expect(() => validateConfig(ServiceConfig, { ...valid, MONGODB_URI: '' })).toThrow(/MONGODB_URI.*missing/);
  });

  it('takes a Redis Cluster as a comma-separated host:port list, and none by default', () => {
    expect(validateConfig(ServiceConfig, valid).REDIS_CLUSTER_NODES).toBe('');
    const nodes = 'redis-0.redis:6379, redis-1.redis:6379,10.0.0.3:7000';
    expect(validateConfig(ServiceConfig, { ...valid, REDIS_CLUSTER_NODES: nodes }).REDIS_CLUSTER_NODES).toBe(nodes);
    for (const bad of ['redis-0', 'redis-0:6379;redis-1:6379', 'redis://redis-0:6379', 'redis-0:6379,']) {
      expect(() => validateConfig(ServiceConfig, { ...valid, REDIS_CLUSTER_NODES: bad })).toThrow(/REDIS_CLUSTER_NODES: .*host:port/);
    }
  });

  it('refuses a Redis Cluster with the pub/sub transport or a database other than 0', () => {
    const cluster = { ...valid, REDIS_CLUSTER_NODES: '127.0.0.1:7000' };
    expect(() => validateConfig(ServiceConfig, { ...cluster, TRANSPORT: 'redis' })).toThrow(/REDIS_CLUSTER_NODES: TRANSPORT=redis cannot use a Redis Cluster/);
    expect(() => validateConfig(ServiceConfig, { ...cluster, REDIS_URL: 'redis://app:pw@127.0.0.1:7000/2' })).toThrow(/REDIS_CLUSTER_NODES: a Redis Cluster has database 0 only/);
    expect(validateConfig(ServiceConfig, { ...cluster, REDIS_URL: 'rediss://app:pw@redis:6379/0' }).REDIS_CLUSTER_NODES).toBe('127.0.0.1:7000');
    // a single node may use any database and either transport
    expect(validateConfig(ServiceConfig, { ...valid, TRANSPORT: 'redis', REDIS_URL: 'redis://127.0.0.1:6379/2' }).TRANSPORT).toBe('redis');
  });
});

describe('EnvBoolean', () => {
  class Flags extends ServiceConfig {
    @EnvBoolean()
    @IsBoolean()
    FLAG: boolean = false;
  }
  const valid = { REDIS_URL: 'redis://h', MONGODB_URI: 'mongodb://h/' };

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads %s as %s', (raw, expected) => {
    expect(validateConfig(Flags, { ...valid, FLAG: raw }).FLAG).toBe(expected);
  });

  it('rejects anything else instead of reading it as true', () => {
    expect(() => validateConfig(Flags, { ...valid, FLAG: 'yes please' })).toThrow(/FLAG/);
  });
});

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

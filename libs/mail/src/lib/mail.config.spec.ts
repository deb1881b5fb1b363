import { BaseConfig, loadConfig } from '@site11/config';
import { mailOptionsOf, WithMailConfig } from './mail.config';

class AppConfig extends WithMailConfig(BaseConfig) {}

/** Validates `env` (with a Redis URL, which BaseConfig requires) as the app would at boot. */
function boot(env: Record<string, string>): AppConfig {
  const saved = process.env;
  process.env = { REDIS_URL: 'redis://127.0.0.1:6379', ...env };
  try {
    return loadConfig(AppConfig);
  } finally {
    process.env = saved;
  }
}

describe('WithMailConfig', () => {
  it('refuses to boot in production without SMTP_URL, naming it', () => {
    expect(() => boot({ NODE_ENV: 'production' })).toThrow(/SMTP_URL must be smtp:\/\/.*\(missing\)/);
  });

  it('boots without SMTP_URL outside production, with the default sender', () => {
    const config = boot({ NODE_ENV: 'development' });
    expect(config.SMTP_URL).toBeUndefined();
    expect(mailOptionsOf(config)).toEqual({ smtpUrl: undefined, from: 'site11 <no-reply@localhost>', publicUrl: 'http://localhost:3000', timeoutMs: 10_000 });
  });

  it('accepts smtp:// and smtps:// URLs with credentials, and shows a refused one without them', () => {
    expect(boot({ NODE_ENV: 'production', SMTP_URL: 'smtp://user:pass@mail.example.com:587' }).SMTP_URL).toBe('smtp://user:pass@mail.example.com:587');
    expect(boot({ SMTP_URL: 'smtps://mail.example.com' }).SMTP_URL).toBe('smtps://mail.example.com');
    let message = '';
    try {
      boot({ SMTP_URL: 'http://user:hunter2@mail.example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SMTP_URL');
    expect(message).not.toContain('hunter2');
  });

  it('refuses a MAIL_FROM that is not an address or "Name <address>"', () => {
    expect(boot({ MAIL_FROM: 'Ops <ops@example.com>' }).MAIL_FROM).toBe('Ops <ops@example.com>');
    expect(() => boot({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
    expect(() => boot({ MAIL_FROM: 'a@b.c\r\nBcc: x@y.z' })).toThrow(/MAIL_FROM/);
  });
});

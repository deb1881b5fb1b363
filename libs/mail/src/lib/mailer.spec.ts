import { Logger } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { register } from 'prom-client';
import { freePort, type Launched, Mailbox, startMailCatcher } from '../../../../tools/platform/platform.cjs';
import { MailDeliveryError, MailErrors } from './mail.errors';
import { Mailer } from './mailer';
import { mailLink } from './templates';

const PUBLIC_URL = 'http://localhost:3000';
const FROM = 'site11 <no-reply@site11.test>';

/**
 * A few lines of SMTP that greet, accept the sender and answer RCPT TO with `rcptReply`, or, with
 * `silent`, accept the connection and never say a word. maildev accepts every recipient, and
 * nodemailer ships no test server: this is the only way to see a server refuse one.
 */
async function smtpStub(behaviour: { rcptReply: string } | { silent: true }): Promise<{ url: string; sockets: Socket[]; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    if ('silent' in behaviour) return;
    socket.write('220 stub ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 stub\r\n');
        else if (line.startsWith('MAIL FROM')) socket.write('250 OK\r\n');
        else if (line.startsWith('RCPT TO')) socket.write(`${behaviour.rcptReply}\r\n`);
        else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else if (line.startsWith('RSET')) socket.write('250 OK\r\n');
        else socket.write('502 not here\r\n');
      }
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    sockets,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}

/** A Mailer on a stub server behaving so, handed to `use`; the stub is closed afterwards. */
async function withStub<T>(behaviour: Parameters<typeof smtpStub>[0], timeoutMs: number, use: (mailer: Mailer) => Promise<T>): Promise<T> {
  const stub = await smtpStub(behaviour);
  try {
    return await use(new Mailer({ smtpUrl: stub.url, from: FROM, publicUrl: PUBLIC_URL, timeoutMs }));
  } finally {
    await stub.close();
  }
}

async function counted(template: string, outcome: string): Promise<number> {
  const metric = await register.getSingleMetric('mail_sent_total')?.get();
  return metric?.values.find((v) => v.labels['template'] === template && v.labels['outcome'] === outcome)?.value ?? 0;
}

async function failureOf(send: Promise<unknown>): Promise<MailDeliveryError> {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailDeliveryError);
  return error as MailDeliveryError;
}

describe('Mailer (a real maildev on a free port)', () => {
  let catcher: Launched & { smtpUrl: string; webUrl: string };
  let mailbox: Mailbox;
  let mailer: Mailer;
  let logged: string[];

  beforeAll(async () => {
    catcher = await startMailCatcher();
    mailbox = new Mailbox(catcher.webUrl);
    mailer = new Mailer({ smtpUrl: catcher.smtpUrl, from: FROM, publicUrl: PUBLIC_URL, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    mailer.onModuleDestroy();
    await catcher.stop();
  });
  beforeEach(() => {
    logged = [];
    const keep = (message: unknown) => void logged.push(String(message));
    Logger.overrideLogger({ log: keep, warn: keep, error: keep, debug: keep, verbose: keep, fatal: keep });
  });
  afterEach(() => Logger.overrideLogger(true));

  it('sends a verification message in Korean with its text, HTML and link, read back through the catcher’s API', async () => {
    const link = mailLink(PUBLIC_URL, 'verifyEmail', 'secret-token-1');
    const before = await counted('email-verification', 'sent');
    const sent = await mailer.send({ to: 'Min@Example.KR', template: 'email-verification', locale: 'ko-KR', params: { name: '민준 <b>', link, expiresInHours: 24 } });
    expect(sent.messageId).toMatch(/@/);

    const message = await mailbox.waitFor('min@example.kr', { subject: /이메일/ });
    expect(message.from).toBe('no-reply@site11.test');
    expect(message.text).toContain('민준 <b>');
    expect(message.html).toContain('민준 &lt;b&gt;');
    expect(message.links).toContain(link);
    expect(await counted('email-verification', 'sent')).toBe(before + 1);
  });

  it('sends a password reset in English to a user of any other locale', async () => {
    const link = mailLink(PUBLIC_URL, 'resetPassword', 'secret-token-2');
    await mailer.send({ to: 'ada@example.com', template: 'password-reset', locale: 'fr', params: { name: 'Ada', link, expiresInMinutes: 30 } });
    const message = await mailbox.waitFor('ada@example.com', { subject: /Reset your site11 password/ });
    expect(message.links).toEqual([link]);
    expect(message.text).toContain('30 minutes');
  });

  it('logs the template, the recipient’s domain and the outcome, never the address, the body or the link', async () => {
    const link = mailLink(PUBLIC_URL, 'resetPassword', 'token-never-logged');
    await mailer.send({ to: 'private.person@logged-domain.test', template: 'password-reset', params: { name: 'Private Person', link, expiresInMinutes: 30 } });
    const lines = logged.join('\n');
    expect(lines).toContain('password-reset');
    expect(lines).toContain('logged-domain.test');
    expect(lines).toContain('sent');
    expect(lines).not.toMatch(/private\.person|Private Person|token-never-logged|reset-password\?/);
  });

  it('fails with MAIL.TRANSIENT_FAILURE, at once, when nothing listens on the SMTP port', async () => {
    const down = new Mailer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, from: FROM, publicUrl: PUBLIC_URL, timeoutMs: 2_000 });
    const before = await counted('password-changed', 'transient-failure');
    const started = Date.now();
    const failure = await failureOf(down.send({ to: 'a@example.com', template: 'password-changed', params: { name: 'A', at: new Date() } }));
    expect(failure.code).toBe(MailErrors.transient);
    expect(failure.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await counted('password-changed', 'transient-failure')).toBe(before + 1);
  });

  it('gives up on a server that accepts the connection but never greets, after the timeout, with MAIL.TRANSIENT_FAILURE', async () => {
    const started = Date.now();
    const failure = await withStub({ silent: true }, 1_000, (slow) => failureOf(slow.send({ to: 'a@example.com', template: 'mfa-changed', params: { name: 'A', at: new Date(), enabled: true } })));
    expect(failure.code).toBe(MailErrors.transient);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails with MAIL.PERMANENT_FAILURE when the server rejects the recipient (550), and counts it', async () => {
    const before = await counted('mfa-changed', 'permanent-failure');
    const failure = await withStub({ rcptReply: '550 5.1.1 no such user' }, 2_000, (rejecting) =>
      failureOf(rejecting.send({ to: 'nobody@example.com', template: 'mfa-changed', params: { name: 'A', at: new Date(), enabled: true } })),
    );
    expect(failure.code).toBe(MailErrors.permanent);
    expect(failure.retryable).toBe(false);
    expect(failure.details).toEqual(expect.objectContaining({ responseCode: 550 }));
    expect(await counted('mfa-changed', 'permanent-failure')).toBe(before + 1);
  });

  it('fails with MAIL.TRANSIENT_FAILURE when the server defers the recipient (450)', async () => {
    const failure = await withStub({ rcptReply: '450 4.2.1 mailbox busy, try later' }, 2_000, (deferring) =>
      failureOf(deferring.send({ to: 'busy@example.com', template: 'password-changed', params: { name: 'A', at: new Date() } })),
    );
    expect(failure.code).toBe(MailErrors.transient);
    expect(failure.details).toEqual(expect.objectContaining({ responseCode: 450 }));
  });

  it('sends nothing and counts not-configured when no SMTP URL is set', async () => {
    const unconfigured = new Mailer({ from: FROM, publicUrl: PUBLIC_URL });
    const before = await counted('password-changed', 'not-configured');
    expect(await unconfigured.send({ to: 'a@example.com', template: 'password-changed', params: { name: 'A', at: new Date() } })).toEqual({ messageId: null });
    expect(await counted('password-changed', 'not-configured')).toBe(before + 1);
  });
});

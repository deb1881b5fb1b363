import type { Mailer } from '@site11/mail';
import { RedisStreamsClient, RpcClient } from '@site11/messaging';
import { OutboxRelay, PendingEvent, PendingEventSchema, PendingEvents } from '@site11/persistence';
import Redis from 'ioredis';
import mongoose, { type Connection, type Model, Types } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { freePort, type Launched, startMongo, startRedis } from '../../../../../tools/platform/platform.cjs';
import { UsersConfig } from '../users.config';
import { AccountRecoveryService } from './account-recovery.service';
import { Clock } from './clock';
import { MailLink, MailLinkSchema } from './mail-link.schema';
import { MailWorker } from './mail.worker';
import { MfaService } from './mfa.service';
import { PasswordHasher } from './password-hasher';
import type { SearchIndexService } from './search-index/search-index.service';
import { User, UserSchema } from './user.schema';

jest.setTimeout(60_000);

/** A clock the test moves. */
class TestClock extends Clock {
  at = Date.parse('2026-11-27T10:00:00Z');
  override now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

const MINUTE = 60_000;
/** The call an action is audited for. */
const CALL = { requestId: 'test', client: { ip: '203.0.113.9', userAgent: 'jest' } };

describe('account links and TOTP codes (real FerretDB/MongoDB and Redis, clock injected)', () => {
  let mongo: Launched | undefined;
  let redisProc: Launched;
  let connection: Connection;
  let users: Model<User>;
  let links: Model<MailLink>;
  let redis: Redis;
  let transport: RedisStreamsClient;
  let relay: OutboxRelay;
  let clock: TestClock;
  let recovery: AccountRecoveryService;
  let mfa: MfaService;
  let worker: MailWorker;
  const sent: { to: string; template: string; params: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    let uri = process.env['MONGODB_URI'];
    if (!uri) {
      const started = await startMongo({ dir: mkdtempSync(join(tmpdir(), 'users-security-')) });
      mongo = started;
      uri = started.uri;
    }
    connection = await mongoose.createConnection(uri, { dbName: `users_security_${randomBytes(4).toString('hex')}` }).asPromise();
    users = connection.model<User>(User.name, UserSchema);
    const pendingEvents = connection.model<PendingEvent>(PendingEvent.name, PendingEventSchema);
    links = connection.model<MailLink>(MailLink.name, MailLinkSchema);
    await users.init();
    const port = await freePort();
    redisProc = await startRedis({ dir: mkdtempSync(join(tmpdir(), 'users-security-redis-')), port });
    redis = new Redis({ port });
    transport = new RedisStreamsClient({ url: `redis://127.0.0.1:${port}`, caller: 'users', instanceId: 'users-security-test' });
    await transport.connect();
    relay = new OutboxRelay(new RpcClient({ redisUrl: `redis://127.0.0.1:${port}`, caller: 'users', defaultDeadlineMs: 2000 }, transport), {
      sweepMs: 60_000,
      scanMs: 60_000,
      sweepAfterMs: 0,
      killBeforePublish: [],
    });
    clock = new TestClock();
    const searchIndex = { changed: async () => undefined } as unknown as SearchIndexService;
    const config = Object.assign(new UsersConfig(), { KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    recovery = new AccountRecoveryService(users, links, new PendingEvents(pendingEvents, relay), redis, relay, new PasswordHasher(), searchIndex, clock);
    mfa = new MfaService(users, redis, relay, searchIndex, clock, config);
    const mailer = {
      send: async (message: { to: string; template: string; params: Record<string, unknown> }) => void sent.push(message),
      publicUrl: 'http://console.test',
    } as unknown as Mailer;
    worker = new MailWorker(users, links, mailer, clock, config);
  });

  afterAll(async () => {
    relay?.onApplicationShutdown();
    await transport?.close();
    redis?.disconnect();
    await redisProc?.stop();
    await connection?.dropDatabase();
    await connection?.close();
    await mongo?.stop();
  });

  const newUser = async () => {
    const email = `security-${randomBytes(5).toString('hex')}@example.com`;
    const created = await users.create({ email, name: 'Linus', nameLower: 'linus', passwordHash: await new PasswordHasher().hash('the old password') });
    return { id: created._id.toHexString(), email };
  };
  /** The token of the last link mailed to `email`. */
  const lastLink = (email: string, template: string) => {
    const message = [...sent].reverse().find((mail) => mail.to === email && mail.template === template);
    if (!message) throw new Error(`no ${template} mail to ${email}`);
    return new URL(String(message.params['link'])).searchParams.get('token') as string;
  };

  describe('password reset links', () => {
    it('work until 30 minutes after they were sent, and not a moment later', async () => {
      const early = await newUser();
      const late = await newUser();
      await worker.onPasswordResetRequested({ email: early.email });
      await worker.onPasswordResetRequested({ email: late.email });

      clock.advance(30 * MINUTE - 1);
      await expect(recovery.resetPassword(lastLink(early.email, 'password-reset'), 'a new password', CALL)).resolves.toEqual({ userId: early.id });
      clock.advance(1);
      await expect(recovery.resetPassword(lastLink(late.email, 'password-reset'), 'a new password', CALL)).rejects.toMatchObject({ code: 'AUTH.INVALID_RESET_TOKEN' });
    });

    it('let only one of several concurrent uses of one link through', async () => {
      const user = await newUser();
      await worker.onPasswordResetRequested({ email: user.email });
      const token = lastLink(user.email, 'password-reset');
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => recovery.resetPassword(token, `new password ${i}`, CALL)));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    });

    it('are mailed at most once a minute per account, the link already sent kept working', async () => {
      const user = await newUser();
      await worker.onPasswordResetRequested({ email: user.email });
      const first = lastLink(user.email, 'password-reset');
      const before = sent.length;
      clock.advance(59_000);
      await worker.onPasswordResetRequested({ email: user.email });
      expect(sent.length).toBe(before);
      await expect(recovery.resetPassword(first, 'a new password', CALL)).resolves.toEqual({ userId: user.id });
    });

    it('stop working when a newer link is sent, and store only a hash of the token', async () => {
      const user = await newUser();
      await worker.onPasswordResetRequested({ email: user.email });
      const first = lastLink(user.email, 'password-reset');
      clock.advance(60_000);
      await worker.onPasswordResetRequested({ email: user.email });
      const second = lastLink(user.email, 'password-reset');
      const stored = await links.find({}).lean().exec();
      expect(stored.length).toBeGreaterThan(0);
      expect(JSON.stringify(stored)).not.toContain(second.split('.')[1]);
      await expect(recovery.resetPassword(first, 'a new password', CALL)).rejects.toMatchObject({ code: 'AUTH.INVALID_RESET_TOKEN' });
      await expect(recovery.resetPassword(second, 'a new password', CALL)).resolves.toEqual({ userId: user.id });
    });

    it('are not sent for an address that is no account', async () => {
      const before = sent.length;
      await worker.onPasswordResetRequested({ email: 'nobody-at-all@example.com' });
      expect(sent.length).toBe(before);
    });
  });

  describe('verification links', () => {
    it('work for 24 hours', async () => {
      const early = await newUser();
      const late = await newUser();
      await worker.onCreated({ id: early.id, email: early.email, roles: ['user'] });
      await worker.onCreated({ id: late.id, email: late.email, roles: ['user'] });
      clock.advance(24 * 60 * MINUTE - 1);
      await expect(recovery.verifyEmail(lastLink(early.email, 'email-verification'), CALL)).resolves.toBeUndefined();
      expect((await users.findById(early.id).lean().exec())?.emailVerified).toBe(true);
      clock.advance(1);
      await expect(recovery.verifyEmail(lastLink(late.email, 'email-verification'), CALL)).rejects.toMatchObject({ code: 'AUTH.INVALID_VERIFICATION_TOKEN' });
    });

    it('are not sent to an address already verified', async () => {
      const user = await newUser();
      await users.updateOne({ _id: new Types.ObjectId(user.id) }, { $set: { emailVerified: true } }).exec();
      const before = sent.length;
      await worker.onCreated({ id: user.id, email: user.email, roles: ['user'] });
      expect(sent.length).toBe(before);
    });
  });

  describe('TOTP', () => {
    const code = (secret: string, offsetSeconds = 0) => generate({ secret, epoch: Math.floor(clock.now() / 1000) + offsetSeconds });

    it('seals the secret at rest and accepts a code once within its window', async () => {
      const user = await newUser();
      const { secret } = await mfa.setup(user.id);
      const stored = await users.findById(user.id).select('+totpPending').lean<{ totpPending: { secret: unknown } }>().exec();
      expect(JSON.stringify(stored?.totpPending)).not.toContain(secret);
      await mfa.confirm(user.id, await code(secret), CALL);

      clock.advance(30_000);
      const next = await code(secret);
      await expect(mfa.verify(user.id, { code: next }, CALL)).resolves.toBe('totp');
      await expect(mfa.verify(user.id, { code: next }, CALL)).rejects.toMatchObject({ code: 'AUTH.INVALID_MFA_CODE' });
      // a code from before the last one accepted is a replay too, though still inside the tolerance
      await expect(mfa.verify(user.id, { code: await code(secret, -30) }, CALL)).rejects.toMatchObject({ code: 'AUTH.INVALID_MFA_CODE' });
    });

    it('lets one of several concurrent sign-ins with the same code through', async () => {
      const user = await newUser();
      const { secret } = await mfa.setup(user.id);
      await mfa.confirm(user.id, await code(secret), CALL);
      clock.advance(30_000);
      const same = await code(secret);
      const outcomes = await Promise.allSettled(Array.from({ length: 6 }, () => mfa.verify(user.id, { code: same }, CALL)));
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    });

    it('refuses codes of two steps away and a setup confirmed after 15 minutes', async () => {
      const user = await newUser();
      const { secret } = await mfa.setup(user.id);
      await expect(mfa.confirm(user.id, await code(secret, 61), CALL)).rejects.toMatchObject({ code: 'AUTH.INVALID_MFA_CODE' });
      clock.advance(15 * MINUTE + 1);
      await expect(mfa.confirm(user.id, await code(secret), CALL)).rejects.toMatchObject({ code: 'AUTH.MFA_SETUP_REQUIRED' });
    });

    it('spends each recovery code once', async () => {
      const user = await newUser();
      const { secret } = await mfa.setup(user.id);
      const { recoveryCodes } = await mfa.confirm(user.id, await code(secret), CALL);
      await expect(mfa.verify(user.id, { recoveryCode: recoveryCodes[3] }, CALL)).resolves.toBe('recovery-code');
      await expect(mfa.verify(user.id, { recoveryCode: recoveryCodes[3] }, CALL)).rejects.toMatchObject({ code: 'AUTH.INVALID_MFA_CODE' });
      await expect(mfa.verify(user.id, { recoveryCode: recoveryCodes[4].toUpperCase() }, CALL)).resolves.toBe('recovery-code');
      const stored = await users.findById(user.id).select('+totp').lean<{ totp: { recoveryCodes: string[] } }>().exec();
      expect(stored?.totp.recoveryCodes).toHaveLength(8);
    });
  });
});

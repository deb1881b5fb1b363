import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type AuditAction, RECOVERY_CODE_COUNT, type RecoveryCodesDto, type TotpSetupDto, UsersEvents } from '@site11/contracts';
import type { AuditedCall } from './account-recovery.service';
import {
  auditEvent,
  auditRecord,
  changeWithEvents,
  findLiveById,
  LIVE,
  type OutboxEvent,
  outboxEvent,
  OutboxRelay,
  type SealedSecret,
  SecretKeyring,
} from '@site11/persistence';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { Model, Types } from 'mongoose';
import { generateSecret, generateURI, verify } from 'otplib';
import { toDataURL } from 'qrcode';
import { UsersConfig } from '../users.config';
import { Clock } from './clock';
import { newRecoveryCode, recoveryCodeHash } from './mail-tokens';
import { SearchIndexService } from './search-index/search-index.service';
import { type StoredTotp, type PendingTotp, User } from './user.schema';
import { InvalidMfaCodeError, MfaAlreadyEnabledError, MfaNotEnabledError, MfaSetupRequiredError, UserNotFoundError } from './users.errors';

/** How long a secret shown at setup can still be confirmed. */
const SETUP_TTL_MS = 15 * 60_000;
/**
 * Codes of the step before and after the current one are accepted (30 s either way): clocks of
 * phones drift, and a code typed at the end of its step arrives in the next.
 */
const TOLERANCE_SECONDS = 30;
/** A code's step is remembered in Redis this long, covering every step the tolerance accepts. */
const USED_STEP_TTL_SECONDS = 120;

/** A second factor as presented: a TOTP code or a recovery code. */
export interface SecondFactor {
  code?: string;
  recoveryCode?: string;
}

/** What a checked second factor was, for the audit log. */
export type FactorUsed = 'totp' | 'recovery-code';

interface MfaUser {
  _id: Types.ObjectId;
  email: string;
  mfaEnabled?: boolean;
  totp?: StoredTotp;
  totpPending?: PendingTotp;
}

/**
 * TOTP two-factor authentication (RFC 6238: SHA-1, 6 digits, 30-second steps, what every
 * authenticator app does) with otplib, and single-use recovery codes. A code is accepted once:
 * its time step must be later than the last one accepted (kept on the account), and claiming it
 * is atomic in Redis, so two concurrent sign-ins with one code cannot both pass. Secrets are
 * sealed under the service's key-encryption key; recovery codes are stored as SHA-256 hashes
 * (80 random bits each, so a hash is not worth guessing).
 */
@Injectable()
export class MfaService {
  private readonly logger = new Logger(MfaService.name);
  private readonly keyring: SecretKeyring | null;

  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly outbox: OutboxRelay,
    private readonly searchIndex: SearchIndexService,
    private readonly clock: Clock,
    private readonly config: UsersConfig,
  ) {
    this.keyring = config.KEY_ENCRYPTION_KEY ? SecretKeyring.fromConfig(config.KEY_ENCRYPTION_KEY, config.KEY_ENCRYPTION_KEYS_PREVIOUS) : null;
    if (!this.keyring) this.logger.warn('KEY_ENCRYPTION_KEY is not set: TOTP secrets are stored unsealed (refused in production)');
  }

  /** A new secret for the caller's account, to be confirmed with a code within 15 minutes. */
  async setup(id: string): Promise<TotpSetupDto> {
    const user = await this.load(id);
    if (user.mfaEnabled) throw new MfaAlreadyEnabledError();
    const secret = generateSecret();
    const pending: PendingTotp = { secret: this.seal(secret, id), createdAt: new Date(this.clock.now()) };
    // not a change of the account until it is confirmed: updatedAt stays
    const { matchedCount } = await this.users.updateOne({ _id: user._id, ...LIVE }, { $set: { totpPending: pending } }, { timestamps: false }).exec();
    if (matchedCount === 0) throw new UserNotFoundError(id);
    const otpauthUri = generateURI({ issuer: this.config.MFA_ISSUER, label: user.email, secret });
    return { secret, otpauthUri, qrCode: await toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 2, width: 240 }) };
  }

  /** Turns TOTP on when the code matches the secret of the setup; answers the recovery codes, once. */
  async confirm(id: string, code: string, call: AuditedCall): Promise<RecoveryCodesDto> {
    const user = await this.load(id);
    if (user.mfaEnabled) throw new MfaAlreadyEnabledError();
    const pending = user.totpPending;
    if (!pending || this.clock.now() - new Date(pending.createdAt).getTime() > SETUP_TTL_MS) throw new MfaSetupRequiredError();
    const step = await this.check(this.open(pending.secret, id), code, 0);
    if (step === null || !(await this.claimStep(id, step))) throw new InvalidMfaCodeError();
    const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const totp: StoredTotp = { secret: pending.secret, enabledAt: new Date(this.clock.now()), lastStep: step, recoveryCodes: recoveryCodes.map(recoveryCodeHash) };
    const events = this.changed(id, true, call);
    // of two confirms at once, one turns it on; the other's recovery codes were never stored
    const { modifiedCount } = await this.users
      .updateOne({ _id: user._id, ...LIVE, mfaEnabled: { $ne: true } }, changeWithEvents(events, { mfaEnabled: true, totp }, ['totpPending']))
      .exec();
    if (modifiedCount === 0) throw new MfaAlreadyEnabledError();
    await this.published(user._id);
    return { recoveryCodes };
  }

  /** Turns TOTP off; a current code (or a recovery code) proves the owner still holds the factor. */
  async disable(id: string, factor: SecondFactor, call: AuditedCall): Promise<void> {
    const user = await this.load(id);
    if (!user.mfaEnabled) throw new MfaNotEnabledError();
    await this.verifyLoaded(user, factor, call);
    const events = this.changed(id, false, call);
    const { matchedCount } = await this.users
      .updateOne({ _id: user._id, ...LIVE }, changeWithEvents(events, { mfaEnabled: false }, ['totp', 'totpPending']))
      .exec();
    if (matchedCount === 0) throw new UserNotFoundError(id);
    await this.published(user._id);
  }

  /** Checks and spends a second factor of an account with TOTP on; one error for every miss. */
  async verify(id: string, factor: SecondFactor, call: AuditedCall): Promise<FactorUsed> {
    const user = await findLiveById<MfaUser>(this.users, new Types.ObjectId(id), '+totp');
    if (!user?.mfaEnabled || !user.totp) throw new InvalidMfaCodeError();
    return this.verifyLoaded(user, factor, call);
  }

  private async verifyLoaded(user: MfaUser, factor: SecondFactor, call: AuditedCall): Promise<FactorUsed> {
    const id = user._id.toHexString();
    const totp = user.totp;
    if (!totp) throw new InvalidMfaCodeError();
    if (factor.recoveryCode !== undefined) {
      const hash = recoveryCodeHash(factor.recoveryCode);
      if (!totp.recoveryCodes.includes(hash)) throw new InvalidMfaCodeError();
      // first claimer wins in Redis; the database then forgets the code for good
      const claimed = await this.redis.set(`mfa:{users}:recovery:${hash}`, id, 'EX', 3600, 'NX');
      if (claimed !== 'OK') throw new InvalidMfaCodeError();
      // spent with its audit record, in one write
      const used = this.audit(call, id, 'auth.mfa.recovery-code-used');
      const { modifiedCount } = await this.users
        .updateOne({ _id: user._id, 'totp.recoveryCodes': hash }, { ...changeWithEvents([used]), $pull: { 'totp.recoveryCodes': hash } }, { timestamps: false })
        .exec();
      if (modifiedCount !== 1) throw new InvalidMfaCodeError();
      await this.outbox.publishOrDefer(this.users, user._id);
      return 'recovery-code';
    }
    const step = await this.check(this.open(totp.secret, id), factor.code ?? '', totp.lastStep);
    if (step === null || !(await this.claimStep(id, step))) throw new InvalidMfaCodeError();
    await this.users.updateOne({ _id: user._id, 'totp.lastStep': { $lt: step } }, { $set: { 'totp.lastStep': step } }, { timestamps: false }).exec();
    return 'totp';
  }

  /** The time step of a valid code later than `afterStep`, or null. */
  private async check(secret: string, code: string, afterStep: number): Promise<number | null> {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(this.clock.now() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      ...(afterStep > 0 ? { afterTimeStep: afterStep } : {}),
    }).catch(() => ({ valid: false as const }));
    // a TOTP result carries its time step (the functional API's type also covers HOTP's)
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /** Atomic across replicas: the first use of a step wins, every later one within its life is a replay. */
  private async claimStep(id: string, step: number): Promise<boolean> {
    return (await this.redis.set(`mfa:{users}:step:${id}:${step}`, '1', 'EX', USED_STEP_TTL_SECONDS, 'NX')) === 'OK';
  }

  private changed(id: string, enabled: boolean, call: AuditedCall): OutboxEvent[] {
    return [
      outboxEvent(UsersEvents.mfaChanged, { id, enabled }, call.requestId),
      // readers that keep accounts (the gateway's cache) hear that `mfaEnabled` changed
      outboxEvent(UsersEvents.updated, { id, changed: ['mfaEnabled'] }, call.requestId),
      this.audit(call, id, enabled ? 'auth.mfa.enabled' : 'auth.mfa.disabled'),
    ];
  }

  /** The owner's own action on their account, as an audit record in the same write. */
  private audit(call: AuditedCall, id: string, action: AuditAction): OutboxEvent {
    return auditEvent('users', auditRecord(call, { actor: id, action, target: `user:${id}` }), call.requestId);
  }

  private async published(_id: Types.ObjectId): Promise<void> {
    await this.searchIndex.changed(_id.toHexString());
    await this.outbox.publishOrDefer(this.users, _id);
  }

  private async load(id: string): Promise<MfaUser> {
    const user = await findLiveById<MfaUser>(this.users, new Types.ObjectId(id), '+totp +totpPending');
    if (!user) throw new UserNotFoundError(id);
    return user;
  }

  /** Bound to the account: a sealed secret copied onto another account does not open. */
  private seal(secret: string, id: string): SealedSecret | string {
    return this.keyring ? this.keyring.seal(secret, `totp:${id}`) : secret;
  }

  private open(secret: SealedSecret | string, id: string): string {
    if (typeof secret === 'string') return secret;
    if (!this.keyring) throw new Error(`The TOTP secret of ${id} is sealed (key-encryption key ${secret.kek}): set KEY_ENCRYPTION_KEY`);
    return this.keyring.open(secret, `totp:${id}`).toString('utf8');
  }
}

import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { JsonWebKeySet } from '@site11/contracts';
import { exportJWK, generateKeyPair, importJWK, type KeyLike } from 'jose';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { OAuthConfig } from '../oauth.config';
import { SigningKey } from './signing-key.schema';

export const SIGNING_ALGORITHM = 'RS256';
/** How often each replica re-reads the key table, to pick up rotations done elsewhere. */
const RELOAD_INTERVAL_MS = 60_000;

export interface ActiveKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
}

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 11000;
}

/**
 * RSA signing keys, persisted in oauth_db. The newest generation signs; older keys stay in the
 * JWKS while tokens they signed can still be alive, so a rotation never invalidates a session.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private keys: SigningKey[] = [];
  private active: ActiveKey | null = null;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectModel(SigningKey.name) private readonly model: Model<SigningKey>,
    private readonly config: OAuthConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.model.init();
    await this.reload();
    if (this.keys.length === 0) await this.rotate();
    await this.rotateIfOld();
    this.timer = setInterval(() => void this.tick(), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  current(): ActiveKey {
    if (!this.active) throw new Error('No signing key loaded');
    return this.active;
  }

  /**
   * Public keys that may still have signed a live token: the current one, the previous one, and
   * any older key retired less than an access-token lifetime ago. Read from the database on each
   * call, so a rotation made by any replica is published at once.
   */
  async jwks(): Promise<JsonWebKeySet> {
    const keys = await this.model.find().sort({ generation: -1 }).limit(10).lean<SigningKey[]>().exec();
    const graceMs = (this.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
    const published = keys.filter(
      (key, index) => index < 2 || Date.now() - keys[index - 1].createdAt.getTime() < graceMs,
    );
    return {
      keys: published.map((key) => ({ ...key.publicJwk, kid: key._id, alg: key.alg, use: 'sig' }) as JsonWebKeySet['keys'][number]),
    };
  }

  /** Adds a new current key. Concurrent rotations from several replicas add only one. */
  async rotate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { modulusLength: 2048, extractable: true });
    const kid = randomUUID();
    const generation = (this.keys[0]?.generation ?? 0) + 1;
    try {
      await this.model.create({
        _id: kid,
        generation,
        alg: SIGNING_ALGORITHM,
        publicJwk: await exportJWK(publicKey),
        privateJwk: await exportJWK(privateKey),
        createdAt: new Date(),
      });
      this.logger.log(`Signing key ${kid} (generation ${generation}) is now current`);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    await this.reload();
    return this.current().kid;
  }

  private async tick(): Promise<void> {
    try {
      await this.reload();
      await this.rotateIfOld();
    } catch (error) {
      this.logger.warn(`Key reload failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async rotateIfOld(): Promise<void> {
    const newest = this.keys[0];
    if (newest && Date.now() - newest.createdAt.getTime() > this.config.KEY_ROTATION_DAYS * 86_400_000) {
      await this.rotate();
    }
  }

  private async reload(): Promise<void> {
    const keys = await this.model.find().sort({ generation: -1 }).limit(10).lean<SigningKey[]>().exec();
    this.keys = keys;
    const newest = keys[0];
    if (newest?.privateJwk && newest._id !== this.active?.kid) {
      this.active = { kid: newest._id, privateKey: await importJWK(newest.privateJwk, newest.alg) };
    }
    if (newest) await this.forgetRetiredPrivateKeys(newest.generation);
  }

  /**
   * Retired keys keep their public half (the JWKS still lists them while their tokens live) and
   * lose the private one. A replica that has not reloaded yet keeps signing with the key it holds
   * in memory until its next reload, so deleting it from the database breaks nothing.
   */
  private async forgetRetiredPrivateKeys(currentGeneration: number): Promise<void> {
    const { modifiedCount } = await this.model
      .updateMany({ generation: { $lt: currentGeneration }, privateJwk: { $exists: true } }, { $unset: { privateJwk: '' } })
      .exec();
    if (modifiedCount > 0) this.logger.log(`Deleted the private half of ${modifiedCount} retired signing key(s)`);
  }
}

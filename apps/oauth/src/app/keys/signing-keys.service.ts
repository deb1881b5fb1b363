import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { publishJwks, TokenDenylist } from '@site11/auth';
import type { JsonWebKeySet, RpcMetadata } from '@site11/contracts';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { auditRecord, AuditTrail, isDuplicateKey, OutboxRelay, SecretKeyring, withOutbox } from '@site11/persistence';
import { createLocalJWKSet, errors, exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey, type KeyLike } from 'jose';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { ACCESS_TOKEN_TTL_MAX_SECONDS, OAuthConfig } from '../oauth.config';
import { SigningKeyNotFoundError } from './keys.errors';
import { SigningKey } from './signing-key.schema';

const VERIFICATION_KEYS_MS = 30_000;

export const SIGNING_ALGORITHM = 'RS256';
/** How often each replica re-reads the key table, to pick up rotations done elsewhere. */
const RELOAD_INTERVAL_MS = 60_000;

/** Associated data of a sealed private key: the ciphertext opens only on its own record. */
const sealedFor = (kid: string) => `signing_keys:${kid}`;

/**
 * Who changed the keys, for the audit record: the admin whose call it was, or the service itself
 * (the first key, and rotation by age) with a request id of its own.
 */
export interface KeyChangeCause {
  actor: string;
  metadata: Pick<RpcMetadata, 'requestId' | 'client'>;
}

const scheduled = (): KeyChangeCause => ({ actor: 'service:oauth', metadata: { requestId: `oauth-keys-${randomUUID()}` } });

export interface ActiveKey {
  kid: string;
  privateKey: KeyLike | Uint8Array;
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
  private verifying: { set: JWTVerifyGetKey; at: number } | null = null;
  private timer?: NodeJS.Timeout;
  /** Seals private keys at rest; null only outside production, without KEY_ENCRYPTION_KEY. */
  private readonly keyring: SecretKeyring | null;

  constructor(
    @InjectModel(SigningKey.name) private readonly model: Model<SigningKey>,
    private readonly config: OAuthConfig,
    private readonly denylist: TokenDenylist,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly outbox: OutboxRelay,
    private readonly audit: AuditTrail,
  ) {
    this.keyring = config.KEY_ENCRYPTION_KEY
      ? SecretKeyring.fromConfig(config.KEY_ENCRYPTION_KEY, config.KEY_ENCRYPTION_KEYS_PREVIOUS)
      : null;
  }

  async onModuleInit(): Promise<void> {
    if (!this.keyring) this.logger.warn('KEY_ENCRYPTION_KEY is not set: private signing keys are stored unsealed (refused in production)');
    await this.model.init();
    this.outbox.watch(this.model);
    await this.reload();
    if (this.keys.length === 0) await this.rotate();
    await this.rotateIfOld();
    this.timer = setInterval(() => void this.tick(), RELOAD_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * The key to sign with. A key withdrawn by another replica is noticed here, before it signs
   * anything more: the withdrawal mark in Redis is checked on each issuance, not once a minute.
   */
  async current(): Promise<ActiveKey> {
    if (this.active && (await this.denylist.isKeyWithdrawn(this.active.kid))) {
      await this.reload();
      // never sign with a withdrawn key: failing the login is better than handing out dead tokens
      if (this.active && (await this.denylist.isKeyWithdrawn(this.active.kid))) {
        throw new Error(`Signing key ${this.active.kid} was withdrawn and no newer key is available yet`);
      }
    }
    if (!this.active) throw new Error('No signing key loaded');
    return this.active;
  }

  /**
   * Public keys that may still have signed a live token: the current one, the previous one, and
   * any older key retired less than an access-token lifetime ago. Read from the database on each
   * call, so a rotation made by any replica is published at once.
   */
  async jwks(): Promise<JsonWebKeySet> {
    return this.publishable(await this.newestKeys());
  }

  /**
   * The public keys as a jose key set, to verify this authority's own tokens (userinfo,
   * introspection, revocation, logout hints) without a database read per token: read at most
   * every 30 s, and again at once for a `kid` it does not know (a rotation by another replica).
   */
  async verificationKeys(): Promise<JWTVerifyGetKey> {
    const load = async () => {
      const set = createLocalJWKSet(await this.jwks());
      this.verifying = { set, at: Date.now() };
      return set;
    };
    const cached = this.verifying && Date.now() - this.verifying.at < VERIFICATION_KEYS_MS ? this.verifying.set : await load();
    return async (header, token) => {
      try {
        return await cached(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) return (await load())(header, token);
        throw error;
      }
    };
  }

  private newestKeys(): Promise<SigningKey[]> {
    return this.model.find().sort({ generation: -1 }).limit(10).lean<SigningKey[]>().exec();
  }

  /** The JWKS of these keys (newest first): the current, the previous, and those retired within a token lifetime. */
  private publishable(keys: SigningKey[]): JsonWebKeySet {
    const graceMs = (this.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
    const published = keys.filter(
      (key, index) => index < 2 || Date.now() - keys[index - 1].createdAt.getTime() < graceMs,
    );
    return {
      keys: published.map((key) => ({ ...key.publicJwk, kid: key._id, alg: key.alg, use: 'sig' }) as JsonWebKeySet['keys'][number]),
    };
  }

  /**
   * Adds a new current key. The generation is read from the database, not this replica's copy,
   * so a rotation made elsewhere a moment ago is built upon; concurrent rotations by several
   * replicas add one key (the unique generation index), and the losers use the winner's. The new
   * key is inserted with its `oauth.keys.rotated` audit record (one write); a loser records nothing.
   */
  async rotate(cause: KeyChangeCause = scheduled()): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { modulusLength: 2048, extractable: true });
    const kid = randomUUID();
    const top = await this.model.findOne().sort({ generation: -1 }).select({ generation: 1 }).lean<Pick<SigningKey, 'generation'>>().exec();
    const generation = (top?.generation ?? 0) + 1;
    const audited = this.audit.event(auditRecord(cause.metadata, { actor: cause.actor, action: 'oauth.keys.rotated', target: `key:${kid}` }));
    try {
      await this.model.create({
        _id: kid,
        generation,
        alg: SIGNING_ALGORITHM,
        publicJwk: await exportJWK(publicKey),
        ...this.storedPrivateKey(kid, await exportJWK(privateKey)),
        createdAt: new Date(),
        ...withOutbox(audited),
      });
      this.logger.log(`Signing key ${kid} (generation ${generation}) is now current`);
      await this.outbox.publishOrDefer(this.model, kid, [audited]);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    await this.reload();
    return (await this.current()).kid;
  }

  /**
   * Withdraws a compromised key in one step: a new key becomes current if it was the current
   * one, every token it signed is refused at once by every verifier (a mark in Redis, checked on
   * each request, for the longest access-token lifetime), and the key is deleted, public half
   * included, so it leaves the JWKS. Sessions survive: their next refresh is signed by the new key.
   * Its `oauth.keys.withdrawn` audit record is written once the key is gone (the document it would
   * travel with is deleted), through the AuditTrail.
   */
  async withdraw(kid: string, cause: KeyChangeCause): Promise<{ withdrawn: string; current: string }> {
    const key = await this.model.findById(kid).lean<SigningKey>().exec();
    if (!key) throw new SigningKeyNotFoundError();
    const newest = await this.model.findOne().sort({ generation: -1 }).lean<SigningKey>().exec();
    if (newest?._id === kid) await this.rotate(cause);
    await this.denylist.withdrawKey(kid, ACCESS_TOKEN_TTL_MAX_SECONDS + 60);
    await this.model.deleteOne({ _id: kid }).exec();
    this.logger.warn(`Signing key ${kid} withdrawn: every token it signed is refused`);
    await this.audit.record(auditRecord(cause.metadata, { actor: cause.actor, action: 'oauth.keys.withdrawn', target: `key:${kid}` }));
    await this.reload();
    return { withdrawn: kid, current: (await this.current()).kid };
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
    const keys = await this.newestKeys();
    this.keys = keys;
    const newest = keys[0];
    if (newest && newest._id !== this.active?.kid) {
      const jwk = await this.privateJwkOf(newest);
      if (jwk) this.active = { kid: newest._id, privateKey: await importJWK(jwk, newest.alg) };
    }
    // a key deleted (withdrawn) elsewhere is not kept in hand
    if (this.active && !keys.some((key) => key._id === this.active?.kid)) this.active = null;
    if (newest) await this.forgetRetiredPrivateKeys(newest.generation);
    // the services read the keys from Redis, where only this app may write them
    if (newest) await publishJwks(this.redis, this.publishable(keys), newest.generation);
  }

  /** Sealed when a key-encryption key is configured, plain only where none is (never production). */
  private storedPrivateKey(kid: string, jwk: JWK): Pick<SigningKey, 'sealedPrivateKey' | 'privateJwk'> {
    return this.keyring ? { sealedPrivateKey: this.keyring.seal(JSON.stringify(jwk), sealedFor(kid)) } : { privateJwk: jwk };
  }

  /**
   * Opens the stored private key, and brings the record up to the configured key-encryption key:
   * a plain key is sealed, one sealed under a previous KEK is resealed. A key sealed under a KEK
   * this replica does not have stops the boot with a message naming it.
   */
  private async privateJwkOf(key: SigningKey): Promise<JWK | null> {
    let jwk: JWK | null = key.privateJwk ?? null;
    if (key.sealedPrivateKey) {
      if (!this.keyring) {
        throw new Error(`Signing key ${key._id} is sealed (key-encryption key ${key.sealedPrivateKey.kek}): set KEY_ENCRYPTION_KEY`);
      }
      jwk = JSON.parse(this.keyring.open(key.sealedPrivateKey, sealedFor(key._id)).toString('utf8')) as JWK;
      if (!this.keyring.isStale(key.sealedPrivateKey)) return jwk;
    }
    if (jwk && this.keyring) {
      await this.model
        .updateOne({ _id: key._id }, { $set: this.storedPrivateKey(key._id, jwk), $unset: { privateJwk: '' } })
        .exec();
      this.logger.log(`Signing key ${key._id} sealed under key-encryption key ${this.keyring.currentId}`);
    }
    return jwk;
  }

  /**
   * Retired keys keep their public half (the JWKS still lists them while their tokens live) and
   * lose the private one. A replica that has not reloaded yet keeps signing with the key it holds
   * in memory until its next reload, so deleting it from the database breaks nothing.
   */
  private async forgetRetiredPrivateKeys(currentGeneration: number): Promise<void> {
    const { modifiedCount } = await this.model
      .updateMany(
        { generation: { $lt: currentGeneration }, $or: [{ privateJwk: { $exists: true } }, { sealedPrivateKey: { $exists: true } }] },
        { $unset: { privateJwk: '', sealedPrivateKey: '' } },
      )
      .exec();
    if (modifiedCount > 0) this.logger.log(`Deleted the private half of ${modifiedCount} retired signing key(s)`);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';

/** Keys of one session share its id as hash tag, so one EXISTS checks token and session together (Redis Cluster). */
const jtiKey = (sid: string, jti: string) => `auth:denied:{${sid}}:jti:${jti}`;
const sessionKey = (sid: string) => `auth:denied:{${sid}}:session`;
/** A withdrawn (compromised) signing key: every token it signed is refused, whoever minted it. */
const withdrawnKeyKey = (kid: string) => `auth:withdrawn-key:{${kid}}`;

/**
 * Access tokens revoked before they expire, in Redis so every gateway replica sees them: single
 * tokens by `jti`, and whole sessions by `sid` (logout, a reused refresh token, a deleted user),
 * which revokes every access token the session was ever given. Entries expire when the tokens
 * they cover would have, so the set never outgrows the tokens that are still alive.
 */
@Injectable()
export class TokenDenylist {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  async deny(jti: string, sid: string, expiresAtSeconds: number): Promise<void> {
    if (expiresAtSeconds * 1000 <= Date.now()) return;
    await this.redis.set(jtiKey(sid, jti), '1', 'EXAT', expiresAtSeconds);
  }

  /** Revokes every access token of these sessions issued up to now; `forSeconds` covers the longest-lived one. */
  async denySessions(sids: string[], forSeconds: number): Promise<void> {
    if (sids.length === 0) return;
    // one command per session, not one pipeline: each session's keys have a slot of their own in
    // a Redis Cluster (the client's auto-pipelining still sends them in one write per node)
    const seconds = Math.max(1, Math.ceil(forSeconds));
    const results = await Promise.allSettled(sids.map((sid) => this.redis.set(sessionKey(sid), '1', 'EX', seconds)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Refuses every token signed by `kid` for `forSeconds` (the longest an access token lives). */
  async withdrawKey(kid: string, forSeconds: number): Promise<void> {
    await this.redis.set(withdrawnKeyKey(kid), '1', 'EX', Math.max(1, Math.ceil(forSeconds)));
  }

  /** The signing key was withdrawn: checked on every token, beside `isDenied`, so a withdrawal is immediate everywhere. */
  async isKeyWithdrawn(kid: string): Promise<boolean> {
    return (await this.redis.exists(withdrawnKeyKey(kid))) > 0;
  }

  /** The token, or its whole session, was revoked. */
  async isDenied(jti: string, sid: string): Promise<boolean> {
    return (await this.redis.exists(jtiKey(sid, jti), sessionKey(sid))) > 0;
  }
}

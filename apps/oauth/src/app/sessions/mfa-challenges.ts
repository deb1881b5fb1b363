import { Inject, Injectable } from '@nestjs/common';
import { AuthErrors, DomainError, ErrorKind, type MfaChallengeDto, type RpcMetadata, type SecondFactorDto, type UserDto } from '@site11/contracts';
import { UsersClient } from '../users/users.client';
import { SignIns } from './sign-ins';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';
import { randomBytes } from 'node:crypto';
import { hashOf } from './tokens.service';

/** How long the second step of a login may wait, and how many codes it may try. */
export const MFA_CHALLENGE_SECONDS = 300;
export const MFA_CHALLENGE_ATTEMPTS = 5;
/**
 * Wrong codes an account may see, across all its challenges, before its second step is refused
 * for the rest of the window: a new challenge per login must not mean new guesses without end.
 */
export const MFA_FAILURES_PER_ACCOUNT = 10;
export const MFA_FAILURE_WINDOW_SECONDS = 900;

export class InvalidMfaTokenError extends DomainError {
  constructor() {
    super(AuthErrors.invalidMfaToken, ErrorKind.Unauthenticated, 'This sign-in expired or used up its attempts: sign in again');
  }
}

/** What a pending login remembers between its password and its code. */
export interface PendingLogin {
  userId: string;
}

/**
 * Logins waiting for their second factor. The password was right; the client gets an opaque
 * `mfaToken` (256 random bits; only its hash is a Redis key, for five minutes) to send with the
 * code. Each wrong code spends one of five attempts, and a right one ends the challenge, so a
 * token signs in once. Kept in Redis, shared by every replica: a lost challenge only means
 * signing in again.
 */
@Injectable()
export class MfaChallenges {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly users: UsersClient,
    private readonly signIns: SignIns,
  ) {}

  /**
   * The second step: the factor checked (and spent) by the users service, then the challenge
   * ends. A wrong code is 401 AUTH.INVALID_MFA_CODE and leaves the challenge to its remaining
   * attempts. Answers the account as it is now.
   */
  async complete(mfaToken: string, factor: SecondFactorDto, metadata: RpcMetadata): Promise<UserDto> {
    const { userId } = await this.attempt(mfaToken);
    const failures = `mfa-failures:{oauth}:${userId}`;
    const [[, count], [, ttl]] = (await this.redis.multi().get(failures).ttl(failures).exec()) as [[unknown, string | null], [unknown, number]];
    if (Number(count ?? 0) >= MFA_FAILURES_PER_ACCOUNT) {
      throw new DomainError(AuthErrors.rateLimited, ErrorKind.ResourceExhausted, 'Too many wrong codes for this account, try again later', {
        retryAfterSeconds: Math.max(1, ttl),
      });
    }
    try {
      await this.users.verifySecondFactor({ id: userId, ...factor }, metadata);
    } catch (error) {
      if (error instanceof DomainError && error.code === AuthErrors.invalidMfaCode) {
        await this.redis.multi().incr(failures).expire(failures, MFA_FAILURE_WINDOW_SECONDS, 'NX').exec();
        await this.signIns.secondFactorFailed(userId, metadata);
        throw new DomainError(AuthErrors.invalidMfaCode, ErrorKind.Unauthenticated, 'The code is not valid');
      }
      throw error;
    }
    await this.close(mfaToken);
    const user = await this.users.find(userId, metadata);
    if (!user) throw new InvalidMfaTokenError();
    return user;
  }

  async open(user: UserDto): Promise<MfaChallengeDto> {
    const mfaToken = randomBytes(32).toString('base64url');
    const key = this.key(mfaToken);
    await this.redis.multi().hset(key, 'userId', user.id, 'attempts', 0).expire(key, MFA_CHALLENGE_SECONDS).exec();
    return { mfaRequired: true, mfaToken };
  }

  /** The pending login, with one attempt spent; an unknown, expired or exhausted one is refused. */
  async attempt(mfaToken: string): Promise<PendingLogin> {
    const key = this.key(mfaToken);
    // one round trip, atomic: count the attempt and read the login (the key keeps its expiry)
    const [[, attempts], [, userId]] = (await this.redis.multi().hincrby(key, 'attempts', 1).hget(key, 'userId').exec()) as [[unknown, number], [unknown, string | null]];
    if (!userId) {
      // an unknown token: the counter just made it exist, without expiry
      await this.redis.del(key);
      throw new InvalidMfaTokenError();
    }
    if (attempts > MFA_CHALLENGE_ATTEMPTS) throw new InvalidMfaTokenError();
    return { userId };
  }

  /** Ends the challenge; only the first of two concurrent right codes signs in. */
  async close(mfaToken: string): Promise<void> {
    if ((await this.redis.del(this.key(mfaToken))) !== 1) throw new InvalidMfaTokenError();
  }

  private key(mfaToken: string): string {
    return `mfa-login:{oauth}:${hashOf(mfaToken)}`;
  }
}

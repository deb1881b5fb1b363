import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT } from '@site11/messaging';
import type Redis from 'ioredis';

const KEY_PREFIX = 'auth:denied-jti:';

/**
 * Access tokens revoked before they expire (logout), by `jti`, in Redis so every gateway replica
 * sees them. Each entry expires with the token itself, so the set never outgrows the tokens
 * that are still alive.
 */
@Injectable()
export class TokenDenylist {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async deny(jti: string, expiresAtSeconds: number): Promise<void> {
    if (expiresAtSeconds * 1000 <= Date.now()) return;
    await this.redis.set(`${KEY_PREFIX}${jti}`, '1', 'EXAT', expiresAtSeconds);
  }

  async isDenied(jti: string): Promise<boolean> {
    return (await this.redis.exists(`${KEY_PREFIX}${jti}`)) === 1;
  }
}

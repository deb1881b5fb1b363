import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT, type RedisClient } from '@site11/redis';

/** The newest entry of the chain as the appender last wrote it. */
export interface AnchoredHead {
  seq: number;
  hash: string;
  /** The entry's id, named by verification when the entry is gone. */
  id: string;
}

/** Moves the anchor forward only: an appender that lost a race never takes it back. KEYS[1] = anchor. */
const ADVANCE_SCRIPT = `
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
if tonumber(ARGV[1]) > seq then
  redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'hash', ARGV[2], 'id', ARGV[3])
  return 1
end
return 0`;

/**
 * The head of the chain kept outside its database: in Redis, under a key only the audit
 * service's Redis user may write (`~*{audit}*`). A chain alone shows an entry edited or removed
 * in its middle; someone who can write the database could still remove the newest entries, or
 * edit one and recompute every hash after it. Against the anchor, verification sees both: the
 * anchored entry is missing, or its hash is not the one anchored (docs/audit.md).
 */
@Injectable()
export class ChainAnchor {
  private static readonly KEY = 'audit:head:{audit}';

  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  async advance(head: AnchoredHead): Promise<void> {
    await this.redis.eval(ADVANCE_SCRIPT, 1, ChainAnchor.KEY, String(head.seq), head.hash, head.id);
  }

  /** The anchored head, or null when there is none yet (an empty chain, or Redis lost it). */
  async read(): Promise<AnchoredHead | null> {
    const fields = await this.redis.hgetall(ChainAnchor.KEY);
    return fields['seq'] ? { seq: Number(fields['seq']), hash: fields['hash'] ?? '', id: fields['id'] ?? '' } : null;
  }
}

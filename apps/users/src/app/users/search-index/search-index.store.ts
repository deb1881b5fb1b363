import type { UserDto } from '@site11/contracts';
import type { RedisClient } from '@site11/redis';
import { createHash } from 'node:crypto';
import { type IndexedUser, indexedUser } from './search-entries';
import {
  ABORT_REBUILD_SCRIPT,
  BEGIN_REBUILD_SCRIPT,
  FINISH_REBUILD_SCRIPT,
  REBUILD_BATCH_SCRIPT,
  REMOVE_SCRIPT,
  RENEW_LEASE_SCRIPT,
  SEARCH_SCRIPT,
  UPSERT_SCRIPT,
} from './search-index.scripts';

/** The users service's hash tag: its search keys share a Redis Cluster slot (and its Redis user's `~*{users}*`). */
export const SEARCH_INDEX_TAG = '{users}';

/**
 * Redis keys of the search index of one database (by name: two deployments, or two test stacks,
 * sharing a Redis keep apart indexes). `next` keys are a rebuild's copy until it is renamed into place.
 */
export function searchIndexKeys(database: string, tag = SEARCH_INDEX_TAG) {
  const base = `usersearch:${tag}:${database}`;
  return {
    terms: `${base}:terms`,
    docs: `${base}:docs`,
    lease: `${base}:rebuild`,
    nextTerms: `${base}:terms:next`,
    nextDocs: `${base}:docs:next`,
    /** Set (to Redis' time, ms) once a complete index is in place; absent, searches go to the database. */
    ready: `${base}:ready`,
  };
}
export type SearchIndexKeys = ReturnType<typeof searchIndexKeys>;

/** A user read from the database, ready for a rebuild batch. */
export type RebuildEntry = IndexedUser;

/**
 * The search index in Redis: one sorted set of `<term>\0<id>` members (score 0) and one hash of
 * id → `{ v, t, u }` (version, terms, UserDto). Each operation is one script, so a change of a
 * user's terms is atomic, and so is putting a rebuilt index in place.
 */
export class SearchIndexStore {
  readonly keys: SearchIndexKeys;
  private readonly shas = new Map<string, string>();

  constructor(
    private readonly redis: RedisClient,
    database: string,
    tag = SEARCH_INDEX_TAG,
  ) {
    this.keys = searchIndexKeys(database, tag);
  }

  /** Adds or replaces a user; false when refused (deleted, or a newer copy is indexed). */
  async upsert(user: UserDto): Promise<boolean> {
    const doc = indexedUser(user);
    const { terms, docs, lease, nextTerms, nextDocs } = this.keys;
    const applied = await this.run(UPSERT_SCRIPT, [terms, docs, lease, nextTerms, nextDocs], [doc.u.id, String(doc.v), JSON.stringify(doc), ...doc.t]);
    return applied === 1;
  }

  /** Removes a user for good: a tombstone keeps a late write from bringing it back. */
  async remove(id: string, at = Date.now()): Promise<void> {
    const { terms, docs, lease, nextTerms, nextDocs } = this.keys;
    await this.run(REMOVE_SCRIPT, [terms, docs, lease, nextTerms, nextDocs], [id, JSON.stringify({ v: at, gone: true })]);
  }

  /** Up to `count` members from the prefix's range after `after`, each with its doc; null when no index is ready. */
  async range(prefix: string, after: string | null, count: number): Promise<{ member: string; doc: string | null }[] | null> {
    const { ready, terms, docs } = this.keys;
    const flat = (await this.run(SEARCH_SCRIPT, [ready, terms, docs], [prefix, after ?? '', String(count)])) as string[] | null;
    if (flat === null) return null;
    const entries: { member: string; doc: string | null }[] = [];
    for (let i = 0; i < flat.length; i += 2) entries.push({ member: flat[i], doc: flat[i + 1] || null });
    return entries;
  }

  /** Redis' time (ms) at which the index in place was completed, or null when none is ready. */
  async readyAt(): Promise<number | null> {
    const value = await this.redis.get(this.keys.ready);
    return value === null ? null : Number(value);
  }

  /** Redis' clock, ms. */
  async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async beginRebuild(buildId: string, leaseMs: number): Promise<boolean> {
    const { lease, nextTerms, nextDocs } = this.keys;
    return (await this.run(BEGIN_REBUILD_SCRIPT, [lease, nextTerms, nextDocs], [buildId, String(leaseMs)])) === 1;
  }

  async renewLease(buildId: string, leaseMs: number): Promise<boolean> {
    return (await this.run(RENEW_LEASE_SCRIPT, [this.keys.lease], [buildId, String(leaseMs)])) === 1;
  }

  /** Adds a batch to the rebuild's copy; false when the lease is no longer this build's. */
  async addToRebuild(buildId: string, users: RebuildEntry[]): Promise<boolean> {
    if (users.length === 0) return true;
    const { lease, nextTerms, nextDocs } = this.keys;
    const args = users.flatMap((doc) => [doc.u.id, String(doc.v), JSON.stringify(doc), String(doc.t.length), ...doc.t]);
    return (await this.run(REBUILD_BATCH_SCRIPT, [lease, nextTerms, nextDocs], [buildId, ...args])) !== -1;
  }

  /** Puts the rebuilt copy in place and marks it ready; false when the lease was lost (nothing changed). */
  async finishRebuild(buildId: string): Promise<boolean> {
    const { terms, docs, lease, nextTerms, nextDocs, ready } = this.keys;
    return (await this.run(FINISH_REBUILD_SCRIPT, [terms, docs, lease, nextTerms, nextDocs, ready], [buildId])) === 1;
  }

  async abortRebuild(buildId: string): Promise<void> {
    const { lease, nextTerms, nextDocs } = this.keys;
    await this.run(ABORT_REBUILD_SCRIPT, [lease, nextTerms, nextDocs], [buildId]);
  }

  /** EVALSHA, loading the script on NOSCRIPT (a restarted or failed-over Redis has forgotten it). */
  private async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      this.shas.set(script, sha);
    }
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(script, keys.length, ...keys, ...args);
    }
  }
}

import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Page, UserDto } from '@site11/contracts';
import { findLiveById, LIVE } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { UsersConfig } from '../../users.config';
import { User } from '../user.schema';
import { type StoredUser, toUserDto } from '../user.mapper';
import { InvalidSearchCursorError, SearchUnavailableError } from '../users.errors';
import { decodeSearchCursor, type IndexedUser, indexedUser, isSearchCursor, listedUser, searchPage, searchTerm } from './search-entries';
import { SearchIndexStore } from './search-index.store';

/** How often each replica checks that an index is in place; searches finding none start a rebuild at most as often. */
const CHECK_MS = 10_000;
/** The rebuild lease: short, renewed every third of it, so a crashed rebuilder is replaced soon. */
const LEASE_MS = 15_000;
/** Users read from the database and written to Redis at a time by a rebuild. */
const REBUILD_BATCH = 1_000;

class RebuildStoppedError extends Error {}

/**
 * Admin `q` searches answered from Redis (`SearchIndexStore`), kept in step with the users
 * collection three ways:
 *
 * - the write path: create, update, delete (and password or seed changes) apply the user as the
 *   database now has it, after the database write and before the reply, so a client that
 *   created a user finds it with its next search;
 * - the service's own events (`users.created`, `.updated`, `.roles-changed`, `.deleted`): each
 *   re-reads the user and applies it, which repairs an instance that died between its database
 *   write and the index, since the outbox publishes the event anyway;
 * - a rebuild from the database when no index is ready (Redis lost it, or it was never built)
 *   or `USERS_SEARCH_REBUILD=at-start` asks, by one replica at a time under a lease.
 *
 * A write during a rebuild is not lost: while the lease exists, every write script also applies
 * to the rebuild's copy, and the copy refuses what the rebuild read from the database when it is
 * older (by `updatedAt`) than what a write put there, or deleted since. So the copy ends up with
 * every user as the database has it, however the rebuild's reads and the writes interleave, and
 * one script renames it into place. Until an index is ready, searches go to the database.
 */
@Injectable()
export class SearchIndexService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SearchIndexService.name);
  readonly enabled: boolean;
  private running: Promise<void> | null = null;
  private lastAttempt = 0;
  /** Redis' time when this replica first checked, for `at-start`: a rebuild completed after it counts. */
  private startedAt: number | null = null;
  private timer?: NodeJS.Timeout;
  private stopping = false;
  /** Stops the rebuild this replica runs, if any (closes its database cursor). */
  private interruptRebuild: ((reason: string) => void) | null = null;

  constructor(
    private readonly config: UsersConfig,
    private readonly store: SearchIndexStore,
    @InjectModel(User.name) private readonly users: Model<User>,
  ) {
    this.enabled = config.USERS_SEARCH_INDEX === 'redis';
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    void this.ensureIndex(this.config.USERS_SEARCH_REBUILD === 'at-start');
    this.timer = setInterval(() => void this.ensureIndex(false), CHECK_MS);
    this.timer.unref();
  }

  /** A rebuild under way stops and gives its lease back; another replica takes over. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.interruptRebuild?.('the service is stopping');
    await this.running;
  }

  /**
   * A page of users whose email or name starts with `q`, ordered by the matching term, then id;
   * null when the database must answer: the index is off, not ready (a rebuild is started), or
   * `cursor` is a database page's (a search the database began goes on there).
   */
  async search(q: string, cursor: string | undefined, limit: number): Promise<Page<UserDto> | null> {
    if (!this.enabled || (cursor !== undefined && !isSearchCursor(cursor))) return null;
    const prefix = searchTerm(q);
    let after: string | null = null;
    if (cursor !== undefined) {
      after = decodeSearchCursor(cursor, prefix);
      if (after === null) throw new InvalidSearchCursorError();
    }
    // twice the page: a user matching by email and name has two members, one of them skipped
    const chunk = Math.max(2 * (limit + 1), 32);
    const found: { member: string; user: UserDto }[] = [];
    for (;;) {
      const entries = await this.store.range(prefix, after, chunk);
      if (entries === null) {
        void this.ensureIndex(false, true);
        // a search cursor means nothing to the database: the client starts again
        if (cursor !== undefined) throw new SearchUnavailableError();
        return null;
      }
      for (const { member, doc } of entries) {
        const user = listedUser(member, doc, prefix);
        if (user) found.push({ member, user });
        if (found.length > limit) return searchPage(found, limit);
      }
      if (entries.length < chunk) return searchPage(found, limit);
      after = entries[entries.length - 1].member;
    }
  }

  /** Write path: the user as just written. A failure is logged, not thrown: the write stands, and its event repairs the index. */
  async saved(user: UserDto): Promise<void> {
    if (!this.enabled) return;
    await this.store.upsert(user).catch((error: unknown) => this.failed('index', user.id, error));
  }

  /** Write path: the user was deleted (same failure handling as `saved`). */
  async deleted(id: string): Promise<void> {
    if (!this.enabled) return;
    await this.store.remove(id).catch((error: unknown) => this.failed('remove', id, error));
  }

  /** Write path, for changes without an event (a password, the seed's promotion): re-reads the user. */
  async changed(id: string): Promise<void> {
    await this.resync(id).catch((error: unknown) => this.failed('index', id, error));
  }

  /**
   * The events' handler: applies the user as the database has it now, or removes it when it is
   * gone. Idempotent and order-free (an older copy never replaces a newer one); throws, so a
   * failed event is delivered again.
   */
  async resync(id: string): Promise<void> {
    if (!this.enabled) return;
    // by _id alone (not a collection scan on FerretDB), once per event
    const user = await findLiveById<StoredUser>(this.users, new Types.ObjectId(id));
    if (user) await this.store.upsert(toUserDto(user));
    else await this.store.remove(id);
  }

  /**
   * Rebuilds the index when none is ready, or when `force` and none was completed since this
   * replica started. One attempt at a time per replica (`throttled`, from searches: at most one
   * per CHECK_MS), and one replica at a time (the lease).
   */
  ensureIndex(force: boolean, throttled = false): Promise<void> {
    if (!this.enabled || this.stopping) return Promise.resolve();
    if (this.running || (throttled && Date.now() - this.lastAttempt < CHECK_MS)) return this.running ?? Promise.resolve();
    this.lastAttempt = Date.now();
    this.running = this.rebuildIfNeeded(force)
      .catch((error: unknown) => this.logger.warn(`Search index rebuild failed, searches use the database until it succeeds: ${String(error)}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async rebuildIfNeeded(force: boolean): Promise<void> {
    this.startedAt ??= await this.store.now();
    const readyAt = await this.store.readyAt();
    if (readyAt !== null && (!force || readyAt >= this.startedAt)) return;
    await this.rebuild();
  }

  /**
   * Streams every live user from the database into the rebuild's keys, then renames them into
   * place. The lease is renewed only while users keep coming: a rebuild stuck on its database
   * cursor lets the lease expire (another replica takes over) and stops.
   */
  private async rebuild(): Promise<void> {
    const buildId = `${this.config.INSTANCE_ID}:${randomUUID()}`;
    if (!(await this.store.beginRebuild(buildId, LEASE_MS))) return; // another replica is at it
    const started = Date.now();
    // one query, read through a cursor in batches: a keyset walk would be a scan per batch on FerretDB
    const cursor = this.users.find(LIVE).lean<StoredUser[]>().batchSize(REBUILD_BATCH).cursor();
    let stopped: string | null = null;
    const stop = (reason: string) => {
      stopped ??= reason;
      void cursor.close().catch(() => undefined);
    };
    this.interruptRebuild = stop;
    let progressAt = Date.now();
    const renewal = setInterval(() => {
      if (Date.now() - progressAt > LEASE_MS) return stop(`no user read from the database for ${LEASE_MS} ms`);
      this.store.renewLease(buildId, LEASE_MS).then(
        (held) => {
          if (!held) stop('the rebuild lease was lost');
        },
        () => undefined,
      );
    }, LEASE_MS / 3);
    try {
      let total = 0;
      let batch: IndexedUser[] = [];
      const flush = async () => {
        if (!(await this.store.addToRebuild(buildId, batch))) stop('the rebuild lease was lost');
        total += batch.length;
        batch = [];
      };
      for await (const user of cursor) {
        if (stopped) break;
        progressAt = Date.now();
        batch.push(indexedUser(toUserDto(user as StoredUser)));
        if (batch.length >= REBUILD_BATCH) await flush();
      }
      if (!stopped) await flush();
      if (stopped || !(await this.store.finishRebuild(buildId))) throw new RebuildStoppedError(stopped ?? 'the rebuild lease was lost');
      this.logger.log(`Search index rebuilt from the database: ${total} users in ${Date.now() - started} ms`);
    } catch (error) {
      await this.store.abortRebuild(buildId).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
      this.interruptRebuild = null;
    }
  }

  private failed(action: string, id: string, error: unknown): void {
    this.logger.warn(`Could not ${action} user ${id} in the search index (its event or a rebuild will): ${String(error)}`);
  }
}

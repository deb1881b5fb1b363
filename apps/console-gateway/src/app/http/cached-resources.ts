import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type CacheRef, ReadCache } from '@site11/cache';
import { EVENT_NAMES, UsersEvents } from '@site11/contracts';
import { type EventSubscription, subscribeToEvents } from '@site11/platform';
import { GatewayConfig } from '../gateway.config';

/** A service's resource whose reads the gateway caches, and the owning service's events that change it. */
export interface CachedResource {
  resource: string;
  /** Events whose `data.id` names an instance of the resource that changed or went. */
  invalidatedBy: readonly string[];
}

/**
 * Every cached resource. A route opts in by reading through `ReadCache` with the resource's
 * name (users.http.controller.ts), and by invalidating it on its own write routes; the events
 * listed here reach every other change (another service's call, a cascade, a crash between the
 * write and its reply: the outbox publishes the event anyway).
 */
export const CACHED_RESOURCES: readonly CachedResource[] = [
  { resource: 'users', invalidatedBy: [UsersEvents.updated, UsersEvents.rolesChanged, UsersEvents.deleted] },
  // <nx-plugin:cached-resources>
];

/** Events of the catalog, checked when the gateway loads: a name that is not one fails at boot. */
export function catalogEvents(...names: string[]): string[] {
  const unknown = names.filter((name) => !(EVENT_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`Cached resources name events that are not in the catalog: ${unknown.join(', ')}`);
  return names;
}

/**
 * Ids are hex, which the routes accept in either case: one spelling per id, so a write or an
 * event in upper case invalidates what a read in lower case cached.
 */
export const cacheRef = (resource: string, id: string): CacheRef => ({ resource, id: id.toLowerCase() });

/**
 * The cached view of a resource whose service decides who may read it (an owner or an admin):
 * each user's own, and one for admins, so an entry is only ever served to whom the service
 * served it.
 */
export const viewerOf = (user: { sub: string; roles: readonly string[] }): string => (user.roles.includes('admin') ? 'admin' : `user:${user.sub}`);

/**
 * Invalidates cached reads when their owning service says they changed: the gateway's own
 * consumer group on the owners' event streams, so one gateway instance handles each event for
 * all (the cache is shared in Redis). An invalidation that fails (Redis away) leaves the event
 * pending, to be delivered again.
 */
@Injectable()
export class CacheInvalidation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CacheInvalidation.name);
  private subscription?: EventSubscription;
  private subscribing?: Promise<unknown>;

  constructor(
    private readonly config: GatewayConfig,
    private readonly cache: ReadCache,
  ) {}

  onApplicationBootstrap(): void {
    // On the built-in transport events are pub/sub channels named like requests: a subscription
    // would let the gateway's Redis user read requests (passwords included). There, writes
    // invalidate on their way back and the TTL covers the rest (docs/cache.md).
    if (!this.cache.enabled || this.config.TRANSPORT === 'redis') return;
    const handlers: Record<string, (data: unknown) => Promise<void>> = {};
    for (const { resource, invalidatedBy } of CACHED_RESOURCES) {
      for (const event of invalidatedBy) {
        handlers[event] = async (data) => {
          const id = (data as { id?: unknown } | undefined)?.id;
          if (typeof id === 'string') await this.cache.invalidate(cacheRef(resource, id));
          else this.logger.warn(`${event} without an id: nothing to invalidate`);
        };
      }
    }
    // in the background: the gateway serves (and reports Redis down in readiness) meanwhile
    this.subscribing = subscribeToEvents(this.config, 'console-gateway', handlers).then(
      (subscription) => (this.subscription = subscription),
      (error: unknown) => this.logger.error(`Cache invalidation events are not subscribed: ${String(error)}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.race([this.subscribing, new Promise((resolve) => setTimeout(resolve, 1000))]);
    await this.subscription?.close();
  }
}

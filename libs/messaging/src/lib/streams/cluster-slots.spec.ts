import { clusterSlotOf, sharedClusterSlot } from '@site11/redis';
import { slotGroupOf, StreamKeys } from './streams.keys';

/**
 * Every script, MULTI and pipeline of the transport, with the keys it is given, must hash to one
 * Redis Cluster slot (CRC16 as Redis computes it), or Redis answers CROSSSLOT. The real cluster
 * proves it end to end: apps/console-gateway-e2e/src/messaging/redis-cluster.e2e-spec.ts.
 */
describe('the transport on Redis Cluster slots', () => {
  const services = ['users', 'oauth', 'applications', 'images', 'data', 'statistics', 'console-gateway', 'a-generated-service'];

  it.each(services)('keeps every script, transaction and pipeline of %s on one slot', (service) => {
    const record = StreamKeys.idempotency(service, 'client:console-gateway:u1:key-1');
    const event = `${service}.thing.created`;
    const multiKey: Record<string, string[]> = {
      // RedisStreamsServer.heartbeat
      HEARTBEAT_SCRIPT: [StreamKeys.live(service), StreamKeys.handled(service)],
      // RedisStreamsClient.publish
      SEND_IF_LIVE_SCRIPT: [StreamKeys.live(service), StreamKeys.requests(service)],
      // RedisStreamsClient.dispatchEvent, for an outbox event
      PUBLISH_ONCE_SCRIPT: [StreamKeys.published(event, 'event-id'), StreamKeys.events(event)],
      // RedisStreamsServer.finish: outcome, reply, XACK + XDEL
      'finish MULTI': [record, StreamKeys.requests(service)],
      // Reclaimer.renew: entries of the request stream and their idempotency claims
      'renewal pipeline': [StreamKeys.requests(service), record],
      // Reclaimer.sweepConsumers, RedisStreamsServer.leaveGroups: the live set and the counters
      'consumer bookkeeping': [StreamKeys.live(service), StreamKeys.handled(service), StreamKeys.deadLetters(service)],
    };
    for (const [what, keys] of Object.entries(multiKey)) {
      expect({ what, slot: sharedClusterSlot(keys) }).toEqual({ what, slot: expect.any(Number) });
    }
  });

  it('reads streams of one slot per XREADGROUP: the slot groups a consumer of several emitters reads apart', () => {
    // oauth reads its requests and the events of users and applications
    const keys = [
      StreamKeys.requests('oauth'),
      StreamKeys.events('users.deleted'),
      StreamKeys.events('users.roles-changed'),
      StreamKeys.events('applications.deleted'),
    ];
    const groups = new Map<string, string[]>();
    for (const key of keys) groups.set(slotGroupOf(key), [...(groups.get(slotGroupOf(key)) ?? []), key]);

    expect([...groups.keys()]).toEqual(['oauth', 'users', 'applications']);
    for (const group of groups.values()) expect(sharedClusterSlot(group)).not.toBeNull();
    // the groups are not merely named apart: they do hash to different slots
    expect(new Set([...groups.values()].map((group) => clusterSlotOf(group[0]))).size).toBe(3);
  });
});

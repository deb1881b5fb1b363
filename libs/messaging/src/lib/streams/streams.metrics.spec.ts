import type Redis from 'ioredis';
import { register } from 'prom-client';
import { newRedis, privateRedis, startServer, until, uniqueService } from '../../../test/harness';
import { StreamKeys } from './streams.keys';
import { observeGroup } from './streams.metrics';

/** The value of one sample of the default registry's scrape, or undefined when there is none. */
async function sample(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = await register.metrics();
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const present = match[2].split(/,(?=[a-z_]+=)/);
    if (wanted.every((pair) => present.includes(pair))) return Number(match[3]);
  }
  return undefined;
}

describe('streams metrics (real Redis)', () => {
  let redis: Redis;
  const stops: (() => unknown)[] = [];

  beforeAll(() => {
    redis = newRedis();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });
  afterAll(() => redis.disconnect());

  it('reads each stream’s pending entries and lag for the group from Redis when scraped', async () => {
    const service = uniqueService('mp');
    const requests = StreamKeys.requests(service);
    const events = StreamKeys.events(`${service}.happened`);
    for (const key of [requests, events]) {
      await redis.xgroup('CREATE', key, service, '0', 'MKSTREAM');
      for (let i = 0; i < 5; i++) await redis.xadd(key, '*', 'n', String(i));
    }
    // another subscriber of the event stream, which has read nothing: not this group's lag
    await redis.xgroup('CREATE', events, 'someone-else', '0');
    await redis.xreadgroup('GROUP', service, 'c1', 'COUNT', 2, 'STREAMS', requests, '>');
    await redis.xreadgroup('GROUP', service, 'c1', 'COUNT', 4, 'STREAMS', events, '>');
    stops.push(
      observeGroup({
        group: service,
        sources: [
          { key: requests, kind: 'request' },
          { key: events, kind: 'event' },
        ],
        redis,
      }),
    );

    expect(await sample('streams_pending_entries', { stream: requests, group: service })).toBe(2);
    expect(await sample('streams_consumer_lag', { stream: requests, group: service })).toBe(3);
    expect(await sample('streams_pending_entries', { stream: events, group: service })).toBe(4);
    expect(await sample('streams_consumer_lag', { stream: events, group: service })).toBe(1);
    expect(await sample('streams_dead_letter_entries', { group: service })).toBe(0);
    expect(await sample('streams_oldest_pending_age_seconds', { stream: requests, group: service })).toBeGreaterThanOrEqual(0);
    expect(await sample('streams_oldest_pending_age_seconds', { stream: requests, group: service })).toBeLessThan(5);

    // acknowledged and deleted, as the server does with an answered request
    const [[, entries]] = (await redis.xreadgroup('GROUP', service, 'c1', 'COUNT', 3, 'STREAMS', requests, '>')) as [string, [string, string[]][]][];
    await redis.xack(requests, service, entries[0][0]);
    await redis.xdel(requests, entries[0][0]);
    expect(await sample('streams_pending_entries', { stream: requests, group: service })).toBe(4);
    expect(await sample('streams_consumer_lag', { stream: requests, group: service })).toBe(0);
  });

  it('tells a request stream’s lag from what it holds when Redis cannot (an entry not yet read was deleted)', async () => {
    const service = uniqueService('ml');
    const requests = StreamKeys.requests(service);
    await redis.xgroup('CREATE', requests, service, '0', 'MKSTREAM');
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await redis.xadd(requests, '*', 'n', String(i)));
    await redis.xreadgroup('GROUP', service, 'c1', 'COUNT', 1, 'STREAMS', requests, '>');
    await redis.xdel(requests, ids[2] as string);
    const groups = (await redis.xinfo('GROUPS', requests)) as unknown[][];
    expect(groups[0][groups[0].indexOf('lag') + 1]).toBeNull();
    stops.push(observeGroup({ group: service, sources: [{ key: requests, kind: 'request' }], redis }));

    expect(await sample('streams_pending_entries', { stream: requests, group: service })).toBe(1);
    expect(await sample('streams_consumer_lag', { stream: requests, group: service })).toBe(2);
  });

  it('counts redeliveries and dead letters of a failing event, and stops reporting a server once it closed', async () => {
    const service = uniqueService('md');
    const pattern = `${service}.happened`;
    const events = StreamKeys.events(pattern);
    let attempts = 0;
    const server = await startServer(
      service,
      {
        events: {
          [pattern]: () => {
            attempts++;
            throw new Error('poison');
          },
        },
      },
      { reclaimIdleMs: 100, maxDeliveries: 3 },
    );
    stops.push(() => server.close());
    await redis.xadd(events, '*', 'pattern', pattern, 'data', JSON.stringify({ data: { n: 1 }, metadata: {} }));

    await until(async () => (await redis.xlen(StreamKeys.deadLetters(service))) === 1);
    expect(attempts).toBe(3);
    expect(await sample('streams_reclaimed_total', { stream: events, group: service })).toBe(2);
    expect(await sample('streams_dead_lettered_total', { stream: events, group: service, reason: 'max-deliveries' })).toBe(1);
    expect(await sample('streams_dead_letter_entries', { group: service })).toBe(1);
    expect(await sample('streams_pending_entries', { stream: events, group: service })).toBe(0);

    await server.close();
    expect(await sample('streams_pending_entries', { stream: events, group: service })).toBeUndefined();
    expect(await sample('streams_dead_letter_entries', { group: service })).toBeUndefined();
    // counters keep what happened
    expect(await sample('streams_dead_lettered_total', { stream: events, group: service, reason: 'max-deliveries' })).toBe(1);
  });

  it('tells how long the oldest pending entry has waited since it was appended, and 0 when nothing is pending', async () => {
    const service = uniqueService('ma');
    const requests = StreamKeys.requests(service);
    await redis.xgroup('CREATE', requests, service, '0', 'MKSTREAM');
    // appended (by its id) ten minutes ago
    const old = await redis.xadd(requests, `${Date.now() - 600_000}-0`, 'n', '0');
    await redis.xadd(requests, '*', 'n', '1');
    stops.push(observeGroup({ group: service, sources: [{ key: requests, kind: 'request' }], redis }));
    expect(await sample('streams_oldest_pending_age_seconds', { stream: requests, group: service })).toBe(0);

    await redis.xreadgroup('GROUP', service, 'c1', 'COUNT', 2, 'STREAMS', requests, '>');
    const age = (await sample('streams_oldest_pending_age_seconds', { stream: requests, group: service })) as number;
    expect(age).toBeGreaterThan(595);
    expect(age).toBeLessThan(610);

    await redis.xack(requests, service, old as string);
    expect(await sample('streams_oldest_pending_age_seconds', { stream: requests, group: service })).toBeLessThan(5);
  });

  it('answers the scrape without a group whose Redis does not answer, within two seconds', async () => {
    const gone = await privateRedis();
    const Redis = (await import('ioredis')).default;
    const stalled = new Redis(gone.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    stalled.on('error', () => undefined);
    await stalled.ping();
    await gone.stop('SIGKILL');
    const service = uniqueService('mt');
    stops.push(observeGroup({ group: service, sources: [{ key: StreamKeys.requests(service), kind: 'request' }], redis: stalled }));
    stops.push(() => stalled.disconnect());

    const started = Date.now();
    expect(await sample('streams_pending_entries', { group: service })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

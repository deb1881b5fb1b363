import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { newRedis, sleep, uniqueService } from '../../../test/harness';
import type { Delivery, Source } from './read-loop';
import { eventRetryDelayMs, type ReclaimHost, Reclaimer } from './reclaimer';
import { StreamKeys } from './streams.keys';

const IDLE_MS = 200;
const logger = new Logger('reclaimer-test');

describe('Reclaimer (real Redis)', () => {
  let redis: Redis;
  let service: string;
  let source: Source;
  let accepted: Delivery[];
  let held: Set<string>;
  let capacity: number;

  const host: ReclaimHost = {
    reading: true,
    capacity: () => capacity,
    holds: (_key, id) => held.has(id),
    accept: (deliveries) => accepted.push(...deliveries),
  };
  const reclaimer = (maxDeliveries = 5) =>
    new Reclaimer(redis, service, `${service}-me`, [source], { reclaimIdleMs: IDLE_MS, maxDeliveries, livenessMs: 3000 }, host, logger);

  /** Appends `count` requests and lets `consumer` read them (a delivery each). */
  async function deliverTo(consumer: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await redis.xadd(source.key, '*', 'id', `r${i}`, 'pattern', `${service}.x`)) as string);
    await redis.xreadgroup('GROUP', service, consumer, 'COUNT', count, 'STREAMS', source.key, '>');
    return ids;
  }

  beforeAll(() => {
    redis = newRedis();
  });
  beforeEach(async () => {
    service = uniqueService('rc');
    source = { key: StreamKeys.requests(service), kind: 'request' };
    accepted = [];
    held = new Set();
    capacity = 1000;
    await redis.xgroup('CREATE', source.key, service, '0', 'MKSTREAM');
  });
  afterAll(() => redis.disconnect());

  it('asks for the pending entries of every stream it reads at once, and reclaims from each', async () => {
    const events: Source[] = [0, 1, 2].map((i) => ({ key: StreamKeys.events(`${service}.thing-${i}`), kind: 'event' }));
    for (const s of events) await redis.xgroup('CREATE', s.key, service, '0', 'MKSTREAM');
    await deliverTo(`${service}-dead`, 1);
    for (const s of events) {
      await redis.xadd(s.key, '*', 'pattern', s.key, 'data', '{}');
      await redis.xreadgroup('GROUP', service, `${service}-dead`, 'COUNT', 1, 'STREAMS', s.key, '>');
    }
    await sleep(IDLE_MS + 50);
    // every XPENDING of a pass is sent before the first answer is in: one round trip, not four
    const order: string[] = [];
    const asking = Object.create(redis) as Redis;
    asking.xpending = ((...args: Parameters<Redis['xpending']>) => {
      order.push('asked');
      return (redis.xpending as (...a: unknown[]) => Promise<unknown>)(...args).finally(() => order.push('answered'));
    }) as Redis['xpending'];

    await new Reclaimer(asking, service, `${service}-me`, [source, ...events], { reclaimIdleMs: IDLE_MS, maxDeliveries: 5, livenessMs: 3000 }, host, logger).reclaim();

    expect(order).toEqual(['asked', 'asked', 'asked', 'asked', 'answered', 'answered', 'answered', 'answered']);
    expect(accepted.map((d) => d.source.key).sort()).toEqual([source.key, ...events.map((s) => s.key)].sort());
  });

  it('reclaims a dead consumer’s entries with their real delivery count, even among entries this instance holds', async () => {
    const ids = await deliverTo(`${service}-me`, 6);
    // odd ones belong to a consumer that died; even ones this instance is still running
    await redis.xclaim(source.key, service, `${service}-dead`, 0, ids[0], ids[2], ids[4], 'JUSTID');
    ids.filter((_, i) => i % 2 === 1).forEach((id) => held.add(id));
    await sleep(IDLE_MS + 50);

    await reclaimer(2).reclaim();

    expect(accepted.map((d) => d.id).sort()).toEqual([ids[0], ids[2], ids[4]].sort());
    expect(accepted.every((d) => d.deliveries === 2)).toBe(true);
    expect(await redis.xlen(StreamKeys.deadLetters(service))).toBe(0);
  });

  it('never takes back what this instance is still running, however long it runs', async () => {
    const ids = await deliverTo(`${service}-me`, 3);
    ids.forEach((id) => held.add(id));
    await sleep(IDLE_MS + 50);

    await reclaimer().reclaim();
    expect(accepted).toEqual([]);
  });

  it('renews held entries so another instance does not reclaim them', async () => {
    const ids = await deliverTo(`${service}-me`, 2);
    const mine = reclaimer();
    const other = new Reclaimer(redis, service, `${service}-other`, [source], { reclaimIdleMs: IDLE_MS, maxDeliveries: 5, livenessMs: 3000 }, host, logger);
    for (let i = 0; i < 4; i++) {
      await sleep(IDLE_MS / 3);
      await mine.renew(new Map([[source.key, ids]]), [], () => undefined);
    }
    held.clear();
    await other.reclaim();
    expect(accepted).toEqual([]);
    const pending = (await redis.xpending(source.key, service, '-', '+', 10)) as [string, string, number, number][];
    expect(pending.map(([, consumer, , count]) => [consumer, count])).toEqual([
      [`${service}-me`, 1],
      [`${service}-me`, 1],
    ]);
  });

  it('does not take back, when it renews, an entry another instance reclaimed while it stalled', async () => {
    const ids = await deliverTo(`${service}-me`, 2);
    await redis.xclaim(source.key, service, `${service}-other`, 0, ids[0]);

    const lost = await reclaimer().renew(new Map([[source.key, ids]]), [], () => undefined);

    expect(lost).toEqual([{ key: source.key, id: ids[0] }]);
    const pending = (await redis.xpending(source.key, service, '-', '+', 10)) as [string, string][];
    expect(pending.map(([id, consumer]) => [id, consumer])).toEqual([
      [ids[0], `${service}-other`],
      [ids[1], `${service}-me`],
    ]);
  });

  it('renews in one pipeline per cluster slot group', async () => {
    const ids = await deliverTo(`${service}-me`, 1);
    const events = StreamKeys.events(`${uniqueService('em')}.thing-happened`);
    const pipelines = jest.spyOn(redis, 'pipeline');
    try {
      await reclaimer().renew(
        new Map([
          [source.key, ids],
          [events, []],
        ]),
        [{ record: StreamKeys.idempotency(service, 'c:x:-:k'), messageId: ids[0] }, { record: `idem:{other}:c:x:-:k`, messageId: '1-0' }],
        (pipeline, record) => void pipeline.exists(record),
      );
      expect(pipelines).toHaveBeenCalledTimes(2); // {service} and {other}; the empty event stream adds none
    } finally {
      pipelines.mockRestore();
    }
  });

  it('does not report as trimmed an entry that another instance finished between listing and claiming', async () => {
    const ids = await deliverTo(`${service}-dead`, 1);
    await sleep(IDLE_MS + 50);
    const rc = reclaimer();
    const list = redis.xpending.bind(redis);
    const spy = jest.spyOn(redis, 'xpending').mockImplementationOnce(async (...args: Parameters<typeof list>) => {
      const listed = await list(...args);
      await redis.multi().xack(source.key, service, ids[0]).xdel(source.key, ids[0]).exec(); // finished elsewhere
      return listed;
    });
    try {
      await rc.reclaim();
    } finally {
      spy.mockRestore();
    }
    expect(await redis.xlen(StreamKeys.deadLetters(service))).toBe(0);
    expect(accepted).toEqual([]);
  });

  it('follows its cursor, so entries behind many it may not take are reached', async () => {
    const mineIds = await deliverTo(`${service}-me`, 120);
    mineIds.forEach((id) => held.add(id));
    const deadIds = await deliverTo(`${service}-dead`, 5);
    await sleep(IDLE_MS + 50);

    const rc = reclaimer();
    await rc.reclaim();
    await rc.reclaim();
    expect(accepted.map((d) => d.id).sort()).toEqual(deadIds.sort());
  });

  it('takes no more than the free slots', async () => {
    await deliverTo(`${service}-dead`, 10);
    await sleep(IDLE_MS + 50);
    capacity = 3;
    await reclaimer().reclaim();
    expect(accepted).toHaveLength(3);
  });

  it('dead-letters only entries already delivered the maximum number of times', async () => {
    const ids = await deliverTo(`${service}-dead`, 2);
    // the first was delivered twice more (three in all), the second once
    await redis.xclaim(source.key, service, `${service}-dead`, 0, ids[0]);
    await redis.xclaim(source.key, service, `${service}-dead`, 0, ids[0]);
    await sleep(IDLE_MS + 50);

    await reclaimer(3).reclaim();

    const dead = await redis.xrange(StreamKeys.deadLetters(service), '-', '+');
    expect(dead).toHaveLength(1);
    expect(dead[0][1]).toEqual(expect.arrayContaining(['messageId', ids[0], 'deliveries', '3', 'reason', 'max-deliveries']));
    expect(accepted.map((d) => [d.id, d.deliveries])).toEqual([[ids[1], 2]]);
  });

  it('keeps no credentials in the dead-letter stream', async () => {
    const data = JSON.stringify({ data: { email: 'a@b.co', password: 'correct horse battery', nested: { refreshToken: 'rt-secret' } }, metadata: {} });
    await redis.xadd(source.key, '*', 'id', 'r1', 'pattern', `${service}.x`, 'data', data);
    await redis.xadd(source.key, '*', 'id', 'r2', 'pattern', `${service}.x`, 'data', '{"password": "not json at all"');
    await redis.xreadgroup('GROUP', service, `${service}-dead`, 'COUNT', 2, 'STREAMS', source.key, '>');
    const [[first], [second]] = (await redis.xpending(source.key, service, '-', '+', 2)) as [string][];
    for (let i = 0; i < 5; i++) await redis.xclaim(source.key, service, `${service}-dead`, 0, first, second);
    await sleep(IDLE_MS + 50);

    await reclaimer(5).reclaim();

    const dead = JSON.stringify(await redis.xrange(StreamKeys.deadLetters(service), '-', '+'));
    expect(dead).toContain('a@b.co');
    expect(dead).toContain('[redacted]');
    expect(dead).not.toMatch(/correct horse|rt-secret|not json at all/);
  });

  it('records a pending entry whose message was trimmed away instead of dropping it silently', async () => {
    const ids = await deliverTo(`${service}-dead`, 1);
    await redis.xdel(source.key, ids[0]);
    await sleep(IDLE_MS + 50);

    await reclaimer().reclaim();

    const dead = await redis.xrange(StreamKeys.deadLetters(service), '-', '+');
    expect(dead[0][1]).toEqual(expect.arrayContaining(['messageId', ids[0], 'reason', 'trimmed']));
    expect(await redis.xpending(source.key, service)).toEqual([0, null, null, null]);
  });

  it('waits longer before delivering a failed event again after each failure, but not a request', async () => {
    const events: Source = { key: StreamKeys.events(`${uniqueService('em')}.thing-happened`), kind: 'event' };
    await redis.xgroup('CREATE', events.key, service, '0', 'MKSTREAM');
    const once = (await redis.xadd(events.key, '*', 'pattern', 'p', 'data', '{}')) as string;
    const thrice = (await redis.xadd(events.key, '*', 'pattern', 'p', 'data', '{}')) as string;
    await redis.xreadgroup('GROUP', service, `${service}-me`, 'COUNT', 2, 'STREAMS', events.key, '>');
    // the second failed two more times (three deliveries): its next one waits 4 × IDLE_MS
    await redis.xclaim(events.key, service, `${service}-me`, 0, thrice);
    await redis.xclaim(events.key, service, `${service}-me`, 0, thrice);
    const requestIds = await deliverTo(`${service}-me`, 1);
    await redis.xclaim(source.key, service, `${service}-me`, 0, requestIds[0]);
    await redis.xclaim(source.key, service, `${service}-me`, 0, requestIds[0]);
    const rc = new Reclaimer(redis, service, `${service}-me`, [source, events], { reclaimIdleMs: IDLE_MS, maxDeliveries: 5, livenessMs: 3000, retryMaxDelayMs: 10_000 }, host, logger);

    await sleep(IDLE_MS + 50);
    await rc.reclaim();
    expect(accepted.map((d) => [d.id, d.deliveries])).toEqual([
      [requestIds[0], 4],
      [once, 2],
    ]);

    await sleep(4 * IDLE_MS - (IDLE_MS + 50) + 100);
    await rc.reclaim();
    expect(accepted.map((d) => d.id)).toContain(thrice);
    expect(accepted.find((d) => d.id === thrice)?.deliveries).toBe(4);
  });

  it('doubles an event’s wait with each failed delivery, from the reclaim idle time up to the cap', () => {
    const tuning = { reclaimIdleMs: 2_000, retryMaxDelayMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => eventRetryDelayMs(n, tuning))).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    // a cap at or below the idle time turns the backoff off: every retry after the idle time
    expect([1, 3].map((n) => eventRetryDelayMs(n, { reclaimIdleMs: 2_000, retryMaxDelayMs: 0 }))).toEqual([2_000, 2_000]);
  });

  it('deletes consumers of gone instances that hold nothing, with their counters', async () => {
    await deliverTo(`${service}-gone`, 1);
    const [[id]] = (await redis.xpending(source.key, service, '-', '+', 1)) as [string][];
    await redis.xack(source.key, service, id);
    await redis.hset(StreamKeys.handled(service), `${service}-gone`, 3, `${service}-live`, 4);
    await deliverTo(`${service}-live`, 1);
    const [seconds] = await redis.time();
    await redis.zadd(StreamKeys.live(service), Number(seconds) * 1000, `${service}-live`);

    expect(await reclaimer().sweepConsumers(0)).toEqual([`${service}-gone`]);

    const consumers = (await redis.xinfo('CONSUMERS', source.key, service)) as string[][];
    expect(consumers.map((c) => c[1])).toEqual([`${service}-live`]);
    expect(await redis.hkeys(StreamKeys.handled(service))).toEqual([`${service}-live`]);
  });
});

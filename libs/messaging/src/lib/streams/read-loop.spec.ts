import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { newRedis, sleep, uniqueService, until } from '../../../test/harness';
import { type Delivery, type DeliverySink, ReadLoop, type Source } from './read-loop';
import { StreamKeys } from './streams.keys';

const logger = new Logger('read-loop-test');

describe('ReadLoop (real Redis)', () => {
  let redis: Redis;
  let reader: Redis;
  let service: string;
  let sources: Source[];

  function sink(overrides: Partial<DeliverySink> & { free?: () => number } = {}) {
    const accepted: Delivery[][] = [];
    let reading = true;
    const s: DeliverySink & { accepted: Delivery[][]; stop(): void } = {
      accepted,
      get reading() {
        return reading;
      },
      stop: () => (reading = false),
      capacity: overrides.free ?? (() => 100),
      untilCapacity: () => sleep(20),
      accept: (deliveries) => void accepted.push(deliveries),
      recreateGroups: async (list) => {
        for (const { key } of list) await redis.xgroup('CREATE', key, service, '0', 'MKSTREAM').catch(() => undefined);
      },
      ...overrides,
    };
    return s;
  }

  beforeAll(() => {
    redis = newRedis();
  });
  beforeEach(async () => {
    reader = newRedis();
    service = uniqueService('rl');
    sources = [
      { key: StreamKeys.requests(service), kind: 'request' },
      { key: StreamKeys.events(`${service}.thing-happened`), kind: 'event' },
    ];
    for (const { key } of sources) await redis.xgroup('CREATE', key, service, '0', 'MKSTREAM');
  });
  afterEach(() => reader.disconnect());
  afterAll(() => redis.disconnect());

  it('asks for no more entries per read than there are free slots, and none when there are none', async () => {
    let free = 0;
    const s = sink({ free: () => free });
    for (let i = 0; i < 5; i++) await redis.xadd(sources[0].key, '*', 'n', String(i));
    const loop = new ReadLoop(reader, service, `${service}-me`, sources, s, logger).run();

    await sleep(200);
    expect(s.accepted).toEqual([]);
    free = 2;
    await until(() => s.accepted.length > 0);
    expect(s.accepted[0]).toHaveLength(2);
    expect(s.accepted[0].map((d) => [d.source.kind, d.deliveries, d.fields['n']])).toEqual([
      ['request', 1, '0'],
      ['request', 1, '1'],
    ]);
    s.stop();
    await loop;
  });

  it('hands over entries a read returned after the decision to stop', async () => {
    const s = sink();
    const loop = new ReadLoop(reader, service, `${service}-me`, sources, s, logger).run();
    await sleep(100); // the loop is blocked in XREADGROUP
    s.stop();
    await redis.xadd(sources[1].key, '*', 'pattern', `${service}.thing-happened`, 'data', '{}');
    await loop;

    expect(s.accepted.flat().map((d) => d.source.kind)).toEqual(['event']);
  });

  it('creates its consumer groups again when Redis lost them', async () => {
    const s = sink();
    const loop = new ReadLoop(reader, service, `${service}-me`, sources, s, logger).run();
    await sleep(50);
    for (const { key } of sources) await redis.del(key);
    await redis.xadd(sources[0].key, '*', 'n', 'after');
    await sleep(1200);
    await redis.xadd(sources[0].key, '*', 'n', 'after-2');
    await until(() => s.accepted.flat().some((d) => d.fields['n'] === 'after-2'));
    s.stop();
    await loop;
  });
});

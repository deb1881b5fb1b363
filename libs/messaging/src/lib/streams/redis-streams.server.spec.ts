import { CommonErrors, DomainError, ErrorKind, type RpcEnvelope } from '@site11/contracts';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { command, newRedis, privateRedis, sleep, startClient, startServer, type TestClient, uniqueService, until } from '../../../test/harness';
import type { RedisStreamsServer } from './redis-streams.server';
import { StreamKeys } from './streams.keys';

describe('RedisStreamsServer (real Redis)', () => {
  let redis: Redis;
  let client: TestClient;
  const servers: RedisStreamsServer[] = [];
  const serve = async (...args: Parameters<typeof startServer>) => {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    redis = newRedis();
    client = await startClient();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await client.close();
    redis.disconnect();
  });

  /** Keys of a service other than its streams, live set and counters: its idempotency records. */
  async function recordsOf(service: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${service}*`, 'COUNT', 1000);
      found.push(...keys.filter((k) => !/^(rpc:|live:|dlq:|evt:)/.test(k)));
      cursor = next;
    } while (cursor !== '0');
    return found;
  }

  /**
   * Appends a request as a caller would, written by hand: `deadline` (Redis time, ms) null leaves
   * the field out, `data` replaces the envelope.
   */
  async function appendRequest(
    service: string,
    id: string,
    pattern: string,
    { deadline = Date.now() + 60_000, reply = 'nobody', metadata = {}, data }: { deadline?: number | null; reply?: string; metadata?: object; data?: string } = {},
  ): Promise<string> {
    const envelope = data ?? JSON.stringify({ data: {}, metadata: { requestId: 'r', caller: 't', ...(deadline === null ? {} : { deadline }), ...metadata } });
    const fields = ['id', id, 'pattern', pattern, 'reply', reply, ...(deadline === null ? [] : ['deadline', String(deadline)]), 'data', envelope];
    return (await redis.xadd(StreamKeys.requests(service), '*', ...fields)) as string;
  }

  /** Holds a fake heartbeat so callers send although no server reads yet. */
  async function pretendLive(service: string) {
    const [seconds] = await redis.time();
    await redis.zadd(StreamKeys.live(service), Number(seconds) * 1000 + 60_000, 'someone');
  }

  describe('idempotency', () => {
    it('runs a command once when duplicates of its key arrive together; the others get IDEMPOTENCY.IN_PROGRESS at once', async () => {
      const service = uniqueService('dup');
      let runs = 0;
      await serve(service, { requests: { [`${service}.create`]: async () => (runs++, await sleep(300), { ok: true }) } });

      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => client.rpc.send(`${service}.create`, { name: 'a' }, command('same-key-1'))),
      );

      expect(runs).toBe(1);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
        expect(r.reason).toMatchObject({ code: 'IDEMPOTENCY.IN_PROGRESS', kind: ErrorKind.Aborted });
      }
    });

    it('answers IDEMPOTENCY.KEY_REUSED when the same key comes with another body, without running it', async () => {
      const service = uniqueService('reuse');
      const seen: unknown[] = [];
      await serve(service, { requests: { [`${service}.create`]: (p) => (seen.push((p as RpcEnvelope).data), { ok: true }) } });

      await client.rpc.send(`${service}.create`, { name: 'a' }, command('key-reuse-1'));
      await expect(client.rpc.send(`${service}.create`, { name: 'b' }, command('key-reuse-1'))).rejects.toMatchObject({
        code: 'IDEMPOTENCY.KEY_REUSED',
        kind: ErrorKind.FailedPrecondition,
      });
      expect(seen).toEqual([{ name: 'a' }]);
    });

    it('does not store a transient failure: RpcClient’s own retry with the same key runs the command again', async () => {
      const service = uniqueService('retry');
      let runs = 0;
      await serve(service, {
        requests: {
          [`${service}.create`]: () => {
            runs++;
            if (runs === 1) throw new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'database away');
            return { ok: runs };
          },
        },
      });

      await expect(client.rpc.send(`${service}.create`, { name: 'a' }, command('key-retry-1'))).resolves.toEqual({ ok: 2 });
      // and a later retry by the client replays the stored success
      await expect(client.rpc.send(`${service}.create`, { name: 'a' }, command('key-retry-1'))).resolves.toEqual({ ok: 2 });
      expect(runs).toBe(2);
    });

    it('does not store "no handler" (a rolling deploy): the key is free for the next attempt', async () => {
      const service = uniqueService('nohandler');
      await serve(service, { requests: { [`${service}.known`]: () => ({ ok: true }) } });
      const call = { ...command('key-nohandler-1'), deadlineMs: 300 };

      await expect(client.rpc.send(`${service}.unknown`, {}, call)).rejects.toMatchObject({ kind: ErrorKind.Unavailable });
      expect(await recordsOf(service)).toEqual([]);
    });

    it('does not run, or record, a request whose deadline passed before it was read', async () => {
      const service = uniqueService('late');
      let runs = 0;
      await pretendLive(service);
      await expect(
        client.rpc.send(`${service}.create`, {}, { ...command('key-late-1'), deadlineMs: 100 }),
      ).rejects.toMatchObject({ kind: ErrorKind.DeadlineExceeded });
      await serve(service, { requests: { [`${service}.create`]: () => (runs++, { ok: true }) } });
      await until(async () => (await redis.xlen(StreamKeys.requests(service))) === 0);
      expect(runs).toBe(0);
      expect(await recordsOf(service)).toEqual([]);
    });

    it('answers IDEMPOTENCY.RESULT_UNAVAILABLE to a duplicate of a command whose result was too large to keep, without running it again', async () => {
      const service = uniqueService('large');
      let runs = 0;
      await serve(service, { requests: { [`${service}.export`]: () => (runs++, { blob: 'x'.repeat(70 * 1024) }) } });

      await expect(client.rpc.send(`${service}.export`, {}, command('key-large-1'))).resolves.toMatchObject({ blob: expect.any(String) });
      await expect(client.rpc.send(`${service}.export`, {}, command('key-large-1'))).rejects.toMatchObject({
        code: 'IDEMPOTENCY.RESULT_UNAVAILABLE',
        kind: ErrorKind.Aborted,
      });
      expect(runs).toBe(1);
    });

    it('scopes a key by the actor its credential proves, not the one the envelope claims', async () => {
      const service = uniqueService('scope');
      let runs = 0;
      // a stand-in for RpcIdentityModule: the credential "token-of-alice" proves alice
      const identify = async (metadata: unknown) => {
        const credential = (metadata as { credential?: string }).credential;
        if (credential === undefined) return {};
        if (credential === 'token-of-alice') return { actor: 'alice' };
        throw new DomainError('AUTH.INVALID_TOKEN', ErrorKind.Unauthenticated, 'bad token');
      };
      await serve(service, { requests: { [`${service}.pay`]: () => (runs++, { paid: runs }) } }, { identify });
      const alice = { sub: 'alice', roles: ['user'] as ('user' | 'admin')[] };
      const call = { idempotencyKey: 'k-scope', idempotencyOrigin: 'client' as const };
      const first = await client.rpc.send(`${service}.pay`, {}, { requestId: 'r1', ...call, actor: alice, credential: 'token-of-alice' });
      expect(first).toEqual({ paid: 1 });

      // the same key and body with alice claimed but no credential: another scope, so no replay of alice's result
      const forged = await client.rpc.send(`${service}.pay`, {}, { requestId: 'r2', ...call, actor: alice });
      expect(forged).toEqual({ paid: 2 });
      // a bad credential claims nothing
      await expect(client.rpc.send(`${service}.pay`, {}, { requestId: 'r3', ...call, actor: alice, credential: 'forged' })).rejects.toMatchObject({
        code: 'AUTH.INVALID_TOKEN',
      });
      expect(runs).toBe(2);
      // alice's own retry still replays her result
      expect(await client.rpc.send(`${service}.pay`, {}, { requestId: 'r4', ...call, actor: alice, credential: 'token-of-alice' })).toEqual({ paid: 1 });
    });

    it('keeps at most 100 idempotency keys after 10,000 commands without client keys', async () => {
      const service = uniqueService('memory');
      await serve(service, { requests: { [`${service}.touch`]: () => ({ ok: true }) } });
      const total = 10_000;
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < total) {
            next++;
            await client.rpc.send(`${service}.touch`, { n: next }, command(randomUUID(), 'delivery'));
          }
        }),
      );
      const keys = (await recordsOf(service)).length;
      expect(keys).toBeLessThanOrEqual(100);
    }, 120_000);
  });

  describe('reclaim', () => {
    it('runs a 1.6 s handler once, although reclaim considers work idle after 300 ms', async () => {
      const service = uniqueService('slow');
      let runs = 0;
      const handler = async () => (runs++, await sleep(1600), { ok: true });
      await serve(service, { requests: { [`${service}.slow`]: handler } }, { reclaimIdleMs: 300 });
      await serve(service, { requests: { [`${service}.slow`]: handler } }, { reclaimIdleMs: 300 });

      await expect(client.rpc.send(`${service}.slow`, {}, { requestId: 'r', deadlineMs: 5000 })).resolves.toEqual({ ok: true });
      await sleep(500);
      expect(runs).toBe(1);
    });

    it('answers a request a killed instance held within its deadline, with the default settings', async () => {
      const service = uniqueService('killed');
      await pretendLive(service);
      await redis.xgroup('CREATE', StreamKeys.requests(service), service, '0', 'MKSTREAM');
      const started = Date.now();
      const answer = client.rpc.send(`${service}.work`, {}, { requestId: 'r' }); // default deadline 5 s
      await until(async () => (await redis.xlen(StreamKeys.requests(service))) === 1);
      // an instance reads it and dies
      await redis.xreadgroup('GROUP', service, `${service}-dead`, 'COUNT', 1, 'STREAMS', StreamKeys.requests(service), '>');
      await serve(service, { requests: { [`${service}.work`]: () => ({ ok: true }) } });

      await expect(answer).resolves.toEqual({ ok: true });
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('deadlines', () => {
    it('checks deadlines on Redis’ clock, so a host clock 10 s ahead does not drop requests that are still due', async () => {
      const service = uniqueService('skew');
      const [seconds, micros] = await redis.time();
      const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
      const realNow = Date.now.bind(Date);
      const ahead = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 10_000);
      try {
        let runs = 0;
        await serve(service, { requests: { [`${service}.x`]: () => (runs++, { ok: true }) } });
        await appendRequest(service, 's1', `${service}.x`, { deadline: redisNow + 5000 });
        await until(() => runs === 1, 4000);
      } finally {
        ahead.mockRestore();
      }
    });
  });

  describe('backpressure', () => {
    it('never runs more than maxInFlight handlers across request streams, event streams and reclaimed work', async () => {
      const service = uniqueService('bp');
      const emitter = uniqueService('emitter');
      let now = 0;
      let peak = 0;
      let done = 0;
      const handler = async () => {
        now++;
        peak = Math.max(peak, now);
        await sleep(30);
        now--;
        done++;
        return { ok: true };
      };
      // work a dead instance left behind, to be reclaimed
      await redis.xgroup('CREATE', StreamKeys.requests(service), service, '0', 'MKSTREAM');
      for (let i = 0; i < 10; i++) await appendRequest(service, `d${i}`, `${service}.work`);
      await redis.xreadgroup('GROUP', service, `${service}-dead`, 'COUNT', 10, 'STREAMS', StreamKeys.requests(service), '>');

      const server = await serve(
        service,
        { requests: { [`${service}.work`]: handler }, events: { [`${emitter}.a-happened`]: handler, [`${emitter}.b-happened`]: handler } },
        { maxInFlight: 3, reclaimIdleMs: 200 },
      );
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => client.rpc.send(`${service}.work`, { i }, { requestId: 'r', deadlineMs: 20_000 })),
        ...Array.from({ length: 20 }, () => client.rpc.emit(`${emitter}.a-happened`, {}, { requestId: 'r' })),
        ...Array.from({ length: 20 }, () => client.rpc.emit(`${emitter}.b-happened`, {}, { requestId: 'r' })),
      ]);
      await until(() => done === 70, 20_000);

      expect(peak).toBeLessThanOrEqual(3);
      expect(server.peakInFlight).toBeLessThanOrEqual(3);
    }, 30_000);
  });

  describe('shutdown', () => {
    it('returns within the grace period with every slot stuck, and hands back what it never started', async () => {
      const service = uniqueService('stuck');
      const stuck = await serve(service, { requests: { [`${service}.hang`]: () => new Promise(() => undefined) } }, { maxInFlight: 2, shutdownGraceMs: 500, reclaimIdleMs: 300 });
      const calls = Array.from({ length: 5 }, () =>
        client.rpc.send(`${service}.hang`, {}, { requestId: 'r', deadlineMs: 10_000 }).catch((e: unknown) => e),
      );
      await until(() => stuck.inFlight === 2);
      await sleep(100);

      const started = Date.now();
      await stuck.close();
      expect(Date.now() - started).toBeLessThan(1500); // grace 500 ms, plus a busy machine's slack

      let answered = 0;
      await serve(service, { requests: { [`${service}.hang`]: () => (answered++, { ok: true }) } }, { reclaimIdleMs: 300 });
      const results = await Promise.all(calls);
      expect(results).toEqual(Array(5).fill({ ok: true }));
      expect(answered).toBe(5);
    });

    it('leaves the live set as soon as it starts stopping, and stays out while it drains', async () => {
      const service = uniqueService('drain');
      const server = await serve(service, { requests: { [`${service}.slow`]: () => sleep(1500).then(() => ({ ok: true })) } });
      const answer = client.rpc.send(`${service}.slow`, {}, { requestId: 'r' });
      await until(() => server.inFlight === 1);

      const closing = server.close();
      await sleep(100);
      expect(await redis.zcard(StreamKeys.live(service))).toBe(0);
      await sleep(1200); // heartbeats would have fired
      expect(await redis.zcard(StreamKeys.live(service))).toBe(0);
      await closing;
      await expect(answer).resolves.toEqual({ ok: true });
    });

    it('hands requests that were waiting for a slot back to the stream when it stops with every slot stuck', async () => {
      const service = uniqueService('handback');
      const stuck = await serve(service, { requests: { [`${service}.hang`]: () => new Promise(() => undefined) } }, { maxInFlight: 1, shutdownGraceMs: 800, instanceId: 'inst' });
      void client.rpc.send(`${service}.hang`, {}, { requestId: 'r', deadlineMs: 10_000 }).catch(() => undefined);
      await until(() => stuck.inFlight === 1);
      // three more that this instance read (a multi-stream read can return more than free slots)
      for (let i = 0; i < 3; i++) await appendRequest(service, `w${i}`, `${service}.hang`);
      const [[, entries]] = (await redis.xreadgroup('GROUP', service, `${service}-inst`, 'COUNT', 3, 'STREAMS', StreamKeys.requests(service), '>')) as [string, [string, string[]][]][];
      const source = { key: StreamKeys.requests(service), kind: 'request' as const };
      stuck.accept(entries.map(([id, fields]) => ({ source, id, deliveries: 1, fields: Object.fromEntries(fields.flatMap((f, i) => (i % 2 ? [] : [[f, fields[i + 1]]]))) })));

      await stuck.close();

      const pending = (await redis.xpending(StreamKeys.requests(service), service, '-', '+', 10)) as unknown[];
      expect(pending).toHaveLength(1); // only the stuck one, left for reclaim
      let answered = 0;
      await serve(service, { requests: { [`${service}.hang`]: () => (answered++, { ok: true }) } });
      await until(() => answered >= 3, 3000); // at once, not after a reclaim
    });

    it('returns within the grace period when Redis is gone', async () => {
      const own = await privateRedis();
      const service = uniqueService('noredis');
      const server = await startServer(service, { requests: { [`${service}.x`]: () => ({ ok: true }) } }, { url: own.url, shutdownGraceMs: 500 });
      await own.stop('SIGKILL');

      const started = Date.now();
      await server.close();
      expect(Date.now() - started).toBeLessThan(1500); // grace 500 ms, plus a busy machine's slack
    });

    it('removes its consumer and its counter when it stops cleanly', async () => {
      const service = uniqueService('leave');
      const server = await serve(service, { requests: { [`${service}.x`]: () => ({ ok: true }) } });
      await client.rpc.send(`${service}.x`, {}, { requestId: 'r' });
      await server.close();

      expect(await redis.xinfo('CONSUMERS', StreamKeys.requests(service), service)).toEqual([]);
      expect(await redis.hlen(StreamKeys.handled(service))).toBe(0);
    });
  });

  describe('poison messages', () => {
    it('dead-letters a request without a valid deadline and leaves no idempotency claim behind', async () => {
      const service = uniqueService('nodeadline');
      let runs = 0;
      await serve(service, { requests: { [`${service}.x`]: () => (runs++, { ok: true }) } });
      await appendRequest(service, 'n1', `${service}.x`, { deadline: null, metadata: { idempotencyKey: 'k-nodeadline', idempotencyOrigin: 'client' } });

      await until(async () => (await redis.xlen(StreamKeys.deadLetters(service))) === 1);
      expect(runs).toBe(0);
      expect(await recordsOf(service)).toEqual([]);
    });

    it('answers a request whose data is not JSON with an error at once and dead-letters it', async () => {
      const service = uniqueService('poison');
      await serve(service, { requests: { [`${service}.x`]: () => ({ ok: true }) } });
      const subscriber = newRedis();
      try {
        const replies: string[] = [];
        await subscriber.subscribe(`rpc:reply:poison-${service}`);
        subscriber.on('message', (_channel, message) => replies.push(message));
        await appendRequest(service, 'p1', `${service}.x`, { reply: `rpc:reply:poison-${service}`, data: '{not json' });

        await until(() => replies.length > 0, 3000);
        expect(JSON.parse(replies[0])).toMatchObject({ id: 'p1', err: { code: 'MESSAGE_DEAD_LETTERED' } });
        const dead = await redis.xrange(StreamKeys.deadLetters(service), '-', '+');
        expect(dead[0][1]).toEqual(expect.arrayContaining(['reason', 'malformed']));
        expect(await redis.xpending(StreamKeys.requests(service), service)).toEqual([0, null, null, null]);
      } finally {
        subscriber.disconnect();
      }
    });
  });

  describe('patterns in the wrong stream', () => {
    it('never runs an event handler for an entry of its request stream, nor another service’s pattern', async () => {
      const service = uniqueService('kind');
      let runs = 0;
      const emitter = uniqueService('kindem');
      await serve(service, { requests: { [`${service}.x`]: () => ({ ok: true }) }, events: { [`${emitter}.deleted`]: () => void runs++ } });
      const subscriber = newRedis();
      try {
        const replies: string[] = [];
        await subscriber.subscribe(`rpc:reply:kind-${service}`);
        subscriber.on('message', (_channel, message) => replies.push(message));
        await appendRequest(service, 'k1', `${emitter}.deleted`, { reply: `rpc:reply:kind-${service}` });
        await until(() => replies.length > 0, 3000);
        expect(JSON.parse(replies[0])).toMatchObject({ id: 'k1', err: { code: 'SERVICE_UNAVAILABLE' } });
        expect(runs).toBe(0);
      } finally {
        subscriber.disconnect();
      }
    });

    it('runs an event only from its own emitter’s stream, and never a request handler from an event stream', async () => {
      const service = uniqueService('evkind');
      const emitter = uniqueService('evkindem');
      const seen: string[] = [];
      let requestRuns = 0;
      await serve(service, {
        requests: { [`${service}.admin-only`]: () => (requestRuns++, { ok: true }) },
        events: { [`${emitter}.ok`]: () => void seen.push('ok'), [`${emitter}.other`]: () => void seen.push('other') },
      });
      // entries written by hand into emitter's stream of `ok`, naming other patterns
      const stream = StreamKeys.events(`${emitter}.ok`);
      await redis.xadd(stream, '*', 'pattern', `${service}.admin-only`, 'data', JSON.stringify({ data: {}, metadata: {} }));
      await redis.xadd(stream, '*', 'pattern', `${emitter}.other`, 'data', JSON.stringify({ data: {}, metadata: {} }));
      await redis.xadd(stream, '*', 'pattern', `${emitter}.ok`, 'data', JSON.stringify({ data: {}, metadata: {} }));
      await until(() => seen.length === 1);
      await until(async () => (await redis.xlen(StreamKeys.deadLetters(service))) === 2);
      expect(seen).toEqual(['ok']);
      expect(requestRuns).toBe(0);
    });
  });

  describe('events', () => {
    it('starts a new subscription at new events, then catches up on what it missed while down', async () => {
      const service = uniqueService('sub');
      const emitter = uniqueService('em');
      const pattern = `${emitter}.thing-happened`;
      const seen: string[] = [];
      const handler = (p: unknown) => void seen.push((p as { data: { n: string } }).data.n);
      await client.rpc.emit(pattern, { n: 'before-first-start' }, { requestId: 'r' });

      const first = await serve(service, { events: { [pattern]: handler } });
      await client.rpc.emit(pattern, { n: 'while-up' }, { requestId: 'r' });
      await until(() => seen.length === 1);
      await first.close();
      await client.rpc.emit(pattern, { n: 'while-down' }, { requestId: 'r' });
      await serve(service, { events: { [pattern]: handler } });
      await until(() => seen.length === 2);

      expect(seen).toEqual(['while-up', 'while-down']);
      const backfill: string[] = [];
      await serve(uniqueService('backfill'), { events: { [pattern]: (p) => void backfill.push((p as { data: { n: string } }).data.n) } }, { eventsFrom: 'oldest' });
      await until(() => backfill.length === 3);
      expect(backfill[0]).toBe('before-first-start');
    });

    it('delivers a failing event again after waits that double with each failure, then dead-letters it', async () => {
      const service = uniqueService('retry');
      const pattern = `${uniqueService('em')}.thing-happened`;
      const attempts: number[] = [];
      const failing = () => {
        attempts.push(Date.now());
        throw new Error('downstream is away');
      };
      // waits of 200, 400, then 600 ms (capped), each at least that long after the failure
      await serve(service, { events: { [pattern]: failing } }, { reclaimIdleMs: 200, maxDeliveries: 4, retryMaxDelayMs: 600 });
      await client.rpc.emit(pattern, { n: 1 }, { requestId: 'r' });

      await until(async () => (await redis.xlen(StreamKeys.deadLetters(service))) === 1, 15_000);
      expect(attempts).toHaveLength(4);
      const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
      expect(gaps[0]).toBeGreaterThanOrEqual(200);
      expect(gaps[1]).toBeGreaterThanOrEqual(400);
      expect(gaps[2]).toBeGreaterThanOrEqual(600);
      // the reclaimer looks every reclaimIdleMs / 4: a retry is late by about that, not by another wait
      expect(gaps[2]).toBeLessThan(600 + 500);
      const [[, fields]] = await redis.xrange(StreamKeys.deadLetters(service), '-', '+');
      expect(fields).toEqual(expect.arrayContaining(['reason', 'max-deliveries', 'deliveries', '4', 'pattern', pattern]));
      expect(await redis.xpending(StreamKeys.events(pattern), service)).toEqual([0, null, null, null]);
    });

    it('counts the wait before a failed event comes again from its failure, however long the handler held the process before it failed', async () => {
      const service = uniqueService('retry-late');
      const pattern = `${uniqueService('em')}.thing-happened`;
      const started: number[] = [];
      const failed: number[] = [];
      const failing = () => {
        started.push(Date.now());
        // holds the event loop, as a CPU-heavy handler or a loaded machine does: nothing renews
        // the entry meanwhile, so its idle time in Redis already counts 150 ms when it fails
        const busyUntil = Date.now() + 150;
        while (Date.now() < busyUntil);
        failed.push(Date.now());
        throw new Error('downstream is away');
      };
      await serve(service, { events: { [pattern]: failing } }, { reclaimIdleMs: 200, maxDeliveries: 3, retryMaxDelayMs: 400 });
      await client.rpc.emit(pattern, { n: 1 }, { requestId: 'r' });

      await until(async () => (await redis.xlen(StreamKeys.deadLetters(service))) === 1, 15_000);
      expect(started).toHaveLength(3);
      expect(started[1] - failed[0]).toBeGreaterThanOrEqual(200);
      expect(started[2] - failed[1]).toBeGreaterThanOrEqual(400);
    });

    it('dead-letters at once an event whose handler failed with a permanent error, and retries any other failure', async () => {
      const service = uniqueService('permanent');
      const pattern = `${uniqueService('em')}.thing-happened`;
      const calls: string[] = [];
      const handler = (payload: unknown) => {
        const { n } = (payload as { data: { n: string } }).data;
        calls.push(n);
        if (n === 'refused') throw new DomainError('MAIL.PERMANENT_FAILURE', ErrorKind.FailedPrecondition, 'refused for good');
        throw new DomainError('MAIL.TRANSIENT_FAILURE', ErrorKind.Unavailable, 'try later');
      };
      await serve(service, { events: { [pattern]: handler } }, { reclaimIdleMs: 200, maxDeliveries: 3, retryMaxDelayMs: 200, permanentEventErrors: ['MAIL.PERMANENT_FAILURE'] });
      await client.rpc.emit(pattern, { n: 'refused' }, { requestId: 'r1' });
      await until(async () => (await redis.xlen(StreamKeys.deadLetters(service))) === 1, 5_000);
      const [[, first]] = await redis.xrange(StreamKeys.deadLetters(service), '-', '+');
      expect(first).toEqual(expect.arrayContaining(['reason', 'rejected', 'deliveries', '1', 'pattern', pattern]));

      await client.rpc.emit(pattern, { n: 'later' }, { requestId: 'r2' });
      await until(async () => (await redis.xlen(StreamKeys.deadLetters(service))) === 2, 10_000);
      const [, [, second]] = await redis.xrange(StreamKeys.deadLetters(service), '-', '+');
      expect(second).toEqual(expect.arrayContaining(['reason', 'max-deliveries', 'deliveries', '3']));
      expect(calls).toEqual(['refused', 'later', 'later', 'later']);
      expect(await redis.xpending(StreamKeys.events(pattern), service)).toEqual([0, null, null, null]);
    });

    it('delivers a failed event again once it succeeds, and acknowledges it', async () => {
      const service = uniqueService('retry-ok');
      const pattern = `${uniqueService('em')}.thing-happened`;
      let calls = 0;
      const flaky = () => {
        if (++calls < 3) throw new Error('not yet');
      };
      await serve(service, { events: { [pattern]: flaky } }, { reclaimIdleMs: 200, maxDeliveries: 5 });
      await client.rpc.emit(pattern, { n: 1 }, { requestId: 'r' });

      await until(async () => calls === 3 && ((await redis.xpending(StreamKeys.events(pattern), service)) as [number])[0] === 0, 10_000);
      expect(await redis.xlen(StreamKeys.deadLetters(service))).toBe(0);
    });

    it('appends an event with an id to its stream once, however often it is relayed', async () => {
      const pattern = `${uniqueService('once')}.thing-happened`;
      for (let i = 0; i < 3; i++) await client.rpc.emit(pattern, { n: 1 }, { requestId: 'r', eventId: 'event-1' });
      expect(await redis.xlen(StreamKeys.events(pattern))).toBe(1);
    });

    it('keeps an event stream for its retention window by time, dropping older entries as new ones arrive', async () => {
      const pattern = `${uniqueService('retention')}.thing-happened`;
      const stream = StreamKeys.events(pattern);
      // 300 entries from 1970, far older than any window; trimming drops whole 100-entry nodes
      for (let i = 1; i <= 300; i++) await redis.xadd(stream, `1-${i}`, 'pattern', pattern, 'data', '{}');

      await client.rpc.emit(pattern, { n: 1 }, { requestId: 'r' });
      await client.rpc.emit(pattern, { n: 2 }, { requestId: 'r', eventId: 'retention-1' });

      const length = await redis.xlen(stream);
      expect(length).toBeLessThanOrEqual(102);
      const [[newest]] = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
      expect(Number(newest.split('-')[0])).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  describe('reply channels', () => {
    it("asks for its reply on a channel named after the calling app, the only one that app's Redis user may subscribe to", async () => {
      const service = uniqueService('reply');
      await serve(service, {
        requests: {
          // the request is still in the stream while its handler runs
          [`${service}.where`]: async () => {
            const [[, fields]] = await redis.xrange(StreamKeys.requests(service), '-', '+');
            return { reply: fields[fields.indexOf('reply') + 1] };
          },
        },
      });

      const { reply } = await client.rpc.send<{ reply: string }>(`${service}.where`, {}, { requestId: 'r1' });

      expect(reply).toMatch(/^rpc:reply:test-caller:test-caller-[0-9a-f]{6}:[0-9a-f-]{36}$/);
    });
  });
});

import type Redis from 'ioredis';
import { newRedis, uniqueService } from '../../../test/harness';
import { type CommandIdentity, IdempotencyStore, isStorable, type Outcome } from './idempotency.store';

const tuning = { reclaimIdleMs: 2000, idempotencyTtlSeconds: 86_400, idempotencyMaxResultBytes: 1024 };

describe('IdempotencyStore (real Redis)', () => {
  let redis: Redis;
  let store: IdempotencyStore;
  const client = (key: string, actor = 'user-1'): CommandIdentity => ({ key, origin: 'client', caller: 'console-gateway', actor });

  beforeAll(() => {
    redis = newRedis();
  });
  beforeEach(() => {
    store = new IdempotencyStore(redis, uniqueService('idem'), tuning);
  });
  afterAll(() => redis.disconnect());

  async function complete(record: string, origin: CommandIdentity['origin'], fingerprint: string, outcome: Outcome) {
    const tx = redis.multi();
    store.complete(tx, record, origin, fingerprint, outcome);
    await tx.exec();
  }

  it('lets one delivery claim a key and tells a concurrent different delivery that it is running', async () => {
    const record = store.keyFor(client('k-running'));
    expect(await store.claim(record, 'fp', '1-0')).toEqual({ state: 'claimed' });
    expect(await store.claim(record, 'fp', '2-0')).toEqual({ state: 'running' });
  });

  it('lets a reclaimed delivery of the same stream entry take over its own claim', async () => {
    const record = store.keyFor(client('k-takeover'));
    await store.claim(record, 'fp', '1-0');
    expect(await store.claim(record, 'fp', '1-0')).toEqual({ state: 'claimed' });
  });

  it('does not cut a completed record down to a lease when a renewal arrives after completion', async () => {
    const record = store.keyFor(client('k-late-renewal'));
    await store.claim(record, 'fp', '1-0');
    await complete(record, 'client', 'fp', { response: { id: 'a' } });
    const pipeline = redis.pipeline();
    store.renew(pipeline, record, '1-0');
    await pipeline.exec();
    expect(await redis.ttl(record)).toBeGreaterThan(86_000);
  });

  it('holds a running claim for the request’s remaining deadline plus the lease, and renewal never shortens it', async () => {
    const record = store.keyFor(client('k-lease'));
    await store.claim(record, 'fp', '1-0', 10_000);
    expect(await redis.pttl(record)).toBeGreaterThan(15_000); // 10 s left + 3 × 2 s
    const pipeline = redis.pipeline();
    store.renew(pipeline, record, '1-0');
    await pipeline.exec();
    expect(await redis.pttl(record)).toBeGreaterThan(15_000);
  });

  it('renews only the running claim of the delivery that holds it', async () => {
    const record = store.keyFor(client('k-renew-other'));
    await store.claim(record, 'fp', '1-0');
    await redis.pexpire(record, 500);
    const pipeline = redis.pipeline();
    store.renew(pipeline, record, '2-0');
    await pipeline.exec();
    expect(await redis.pttl(record)).toBeLessThanOrEqual(500);
  });

  it('refuses the same key with a different fingerprint, while running and after completion', async () => {
    const record = store.keyFor(client('k-mismatch'));
    await store.claim(record, 'fp-a', '1-0');
    expect(await store.claim(record, 'fp-b', '2-0')).toEqual({ state: 'mismatch' });
    await complete(record, 'client', 'fp-a', { response: { id: 'a' } });
    expect(await store.claim(record, 'fp-b', '3-0')).toEqual({ state: 'mismatch' });
  });

  it('keeps a completed client outcome for 24 h and replays it', async () => {
    const record = store.keyFor(client('k-done'));
    await store.claim(record, 'fp', '1-0');
    await complete(record, 'client', 'fp', { response: { id: 'a' } });
    expect(await store.claim(record, 'fp', '2-0')).toEqual({ state: 'done', outcome: { response: { id: 'a' } } });
    expect(await redis.ttl(record)).toBeGreaterThan(86_000);
  });

  it('keeps a 4xx the handler produced, but releases the key after a 5xx, 503 or 504 so a retry runs', async () => {
    const refused = store.keyFor(client('k-409'));
    await store.claim(refused, 'fp', '1-0');
    await complete(refused, 'client', 'fp', { err: { code: 'USERS.EMAIL_TAKEN', kind: 'ALREADY_EXISTS', message: 'taken' } });
    expect(await store.claim(refused, 'fp', '2-0')).toMatchObject({ state: 'done' });

    for (const kind of ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL', 'ABORTED', 'RESOURCE_EXHAUSTED']) {
      const record = store.keyFor(client(`k-${kind}`));
      await store.claim(record, 'fp', '1-0');
      await complete(record, 'client', 'fp', { err: { code: 'X', kind, message: 'transient' } });
      expect(await store.claim(record, 'fp', '2-0')).toEqual({ state: 'claimed' });
    }
    expect(isStorable({ err: new Error('not a wire error') })).toBe(false);
  });

  it('records a result larger than the cap as completed but not replayable', async () => {
    const record = store.keyFor(client('k-large'));
    await store.claim(record, 'fp', '1-0');
    await complete(record, 'client', 'fp', { response: 'x'.repeat(2000) });
    expect(await store.claim(record, 'fp', '2-0')).toEqual({ state: 'done', outcome: null });
  });

  it('deletes a delivery key when its reply is acknowledged, whatever the outcome', async () => {
    const record = store.keyFor({ key: 'k-delivery', origin: 'delivery', caller: 'console-gateway' });
    await store.claim(record, '-', '1-0');
    await complete(record, 'delivery', '-', { response: { id: 'a' } });
    expect(await redis.exists(record)).toBe(0);
  });

  it('scopes keys by caller, end user and origin', () => {
    const keys = new Set([
      store.keyFor(client('same', 'user-1')),
      store.keyFor(client('same', 'user-2')),
      store.keyFor({ ...client('same'), caller: 'oauth' }),
      store.keyFor({ ...client('same'), origin: 'delivery' }),
    ]);
    expect(keys.size).toBe(4);
  });

  it('binds the fingerprint to pattern and body, and keeps credentials out of it', async () => {
    const identity = client('k-fp');
    const body = { email: 'a@b.co', password: 'correct horse battery' };
    const fp = await store.fingerprint(identity, 'users.create', body);

    expect(await store.fingerprint(identity, 'users.create', { password: body.password, email: body.email })).toBe(fp);
    expect(await store.fingerprint(identity, 'users.create', { ...body, password: 'another password' })).not.toBe(fp);
    expect(await store.fingerprint(identity, 'users.update', body)).not.toBe(fp);

    const record = store.keyFor(identity);
    await store.claim(record, fp, '1-0');
    expect(JSON.stringify(await redis.hgetall(record))).not.toContain(body.password);
  });
});

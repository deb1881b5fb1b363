import type { Actor, AuditRecordedEvent } from '@site11/contracts';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Launched, startMongo } from '../../../../../tools/platform/platform.cjs';
import { migrations } from '../../migrations';
import { MigrationRunner } from '@site11/persistence';
import { GENESIS_HASH, sealEntry } from './audit-chain';
import type { AnchoredHead, ChainAnchor } from './chain-anchor';
import { EntriesAppender } from './entries-appender';
import { EntriesService } from './entries.service';
import { Entry, EntrySchema } from './entry.schema';

jest.setTimeout(60_000);

const ALICE = '0123456789abcdef01234567';
const BOB = '76543210fedcba9876543210';

const record = (overrides: Partial<AuditRecordedEvent> = {}): AuditRecordedEvent => ({
  at: new Date().toISOString(),
  actor: ALICE,
  action: 'oauth.keys.rotated',
  target: 'key:k1',
  ip: '203.0.113.7',
  userAgent: 'audit-test/1.0',
  requestId: `req-${randomUUID()}`,
  outcome: 'success',
  ...overrides,
});

describe('the audit log on a real database (FerretDB or MongoDB)', () => {
  let mongo: Launched | undefined;
  let connection: Connection;
  let entries: Model<Entry>;
  let service: EntriesService;
  /** The anchor as Redis keeps it (chain-anchor.ts): forward only; a fresh one per test. */
  let anchored: AnchoredHead | null = null;
  const anchor = {
    advance: async (head: AnchoredHead) => {
      if (!anchored || head.seq > anchored.seq) anchored = head;
    },
    read: async () => anchored,
  } as unknown as ChainAnchor;
  const appender = () => new EntriesAppender(entries, anchor);

  beforeAll(async () => {
    let uri = process.env['MONGODB_URI'];
    if (!uri) {
      const started = await startMongo({
        dir: mkdtempSync(join(tmpdir(), 'audit-log-')),
      });
      mongo = started;
      uri = started.uri;
    }
    connection = await mongoose
      .createConnection(uri, {
        dbName: `audit_test_${randomBytes(4).toString('hex')}`,
      })
      .asPromise();
    const db = connection.db;
    if (!db) throw new Error('no database on the connection');
    await new MigrationRunner(db, migrations, {
      owner: 'audit-log-test',
    }).run();
    entries = connection.model<Entry>(Entry.name, EntrySchema);
    await entries.init();
    service = new EntriesService(entries, anchor);
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
    await mongo?.stop();
  });

  beforeEach(async () => {
    anchored = null;
    await entries.deleteMany({});
  });

  it('appends records as a chain: seq 1, 2, 3 each sealing the hash before it', async () => {
    const one = appender();
    for (let i = 0; i < 3; i++) await expect(one.append(record(), randomUUID())).resolves.toBe('appended');
    const stored = await entries.find().sort({ _id: 1 }).lean<Entry[]>();
    expect(stored.map((entry) => entry._id)).toEqual([1, 2, 3]);
    expect(stored.map((entry) => entry.prevHash)).toEqual([GENESIS_HASH, stored[0].hash, stored[1].hash]);
    await expect(service.verify()).resolves.toEqual({
      valid: true,
      checked: 3,
      firstBrokenId: null,
    });
  });

  it('appends a redelivered record once, by its event id, even from another replica', async () => {
    const eventId = randomUUID();
    const same = record();
    await expect(appender().append(same, eventId)).resolves.toBe('appended');
    await appender().append(record(), randomUUID());
    await expect(appender().append(same, eventId)).resolves.toBe('recorded');
    expect(await entries.countDocuments({ eventId })).toBe(1);
    await expect(service.verify()).resolves.toMatchObject({
      valid: true,
      checked: 2,
    });
  });

  it('keeps one unbroken chain when three replicas append 60 records at once, a third of them twice', async () => {
    const replicas = [appender(), appender(), appender()];
    const ids = Array.from({ length: 60 }, () => randomUUID());
    const deliveries = ids.flatMap((id, i) => [
      replicas[i % 3].append(record({ requestId: `req-${i}` }), id),
      ...(i % 3 === 0 ? [replicas[(i + 1) % 3].append(record({ requestId: `req-${i}` }), id)] : []),
    ]);
    await Promise.all(deliveries);
    expect(await entries.countDocuments()).toBe(60);
    expect(new Set((await entries.find().lean<Entry[]>()).map((entry) => entry.eventId))).toEqual(new Set(ids));
    await expect(service.verify()).resolves.toEqual({
      valid: true,
      checked: 60,
      firstBrokenId: null,
    });
  });

  it('refuses a record that does not check, so it is delivered again instead of entering the chain', async () => {
    for (const bad of [{ action: 'users.hacked' }, { at: 'yesterday' }, { outcome: 'maybe' }, { target: 'no kind' }, { requestId: '' }]) {
      await expect(appender().append({ ...record(), ...bad }, randomUUID())).rejects.toThrow(/Malformed audit record/);
    }
    expect(await entries.countDocuments()).toBe(0);
  });

  it('detects an entry edited in the database, and one deleted, naming the first entry that does not check', async () => {
    const one = appender();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) await one.append(record(), id);
    await entries.collection.updateOne({ eventId: ids[2] }, { $set: { actor: BOB } });
    await expect(service.verify()).resolves.toEqual({
      valid: false,
      checked: 3,
      firstBrokenId: ids[2],
    });

    await entries.collection.updateOne({ eventId: ids[2] }, { $set: { actor: ALICE } });
    await expect(service.verify()).resolves.toEqual({
      valid: true,
      checked: 5,
      firstBrokenId: null,
    });
    await entries.collection.deleteOne({ eventId: ids[1] });
    await expect(service.verify()).resolves.toEqual({
      valid: false,
      checked: 2,
      firstBrokenId: ids[2],
    });
  });

  it('detects the newest entries removed, and a chain rewritten from an edit onward, against the head anchored outside the database', async () => {
    const one = appender();
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) await one.append(record(), id);
    expect(anchored).toMatchObject({ seq: 5, id: ids[4] });

    // the newest entry removed: what is left still chains
    const newest = await entries.findById(5).lean<Entry>().exec();
    await entries.deleteOne({ _id: 5 });
    await expect(service.verify()).resolves.toEqual({ valid: false, checked: 4, firstBrokenId: ids[4] });
    await entries.collection.insertOne(newest as never);
    await expect(service.verify()).resolves.toEqual({ valid: true, checked: 5, firstBrokenId: null });

    // an edit, every hash after it recomputed: the chain checks, the anchored hash does not
    const stored = await entries.find().sort({ _id: 1 }).lean<Entry[]>().exec();
    let previous: { seq: number; hash: string } | null = { seq: 2, hash: stored[1].hash };
    for (const entry of stored.slice(2)) {
      const resealed = sealEntry(previous, {
        id: entry.eventId,
        at: entry.at,
        actor: entry._id === 3 ? BOB : entry.actor,
        action: entry.action,
        target: entry.target,
        ip: entry.ip,
        userAgent: entry.userAgent,
        requestId: entry.requestId,
        outcome: entry.outcome,
      });
      await entries.collection.updateOne({ _id: entry._id } as never, { $set: { actor: resealed.actor, prevHash: resealed.prevHash, hash: resealed.hash } });
      previous = resealed;
    }
    await expect(service.verify()).resolves.toEqual({ valid: false, checked: 5, firstBrokenId: ids[4] });
  });

  it('lists newest first with each filter, in pages that follow one another to the end', async () => {
    const one = appender();
    await one.append(
      record({
        actor: ALICE,
        action: 'oauth.keys.rotated',
        target: 'key:a',
        at: '2026-01-01T10:00:00.000Z',
      }),
      'e1',
    );
    await one.append(
      record({
        actor: BOB,
        action: 'oauth.grants.revoked',
        target: 'application:c1',
        at: '2026-01-02T10:00:00.000Z',
      }),
      'e2',
    );
    await one.append(
      record({
        actor: 'service:users',
        action: 'users.roles.changed',
        target: `user:${ALICE}`,
        at: '2026-01-03T10:00:00.000Z',
      }),
      'e3',
    );
    await one.append(
      record({
        actor: ALICE,
        action: 'oauth.keys.withdrawn',
        target: 'key:a',
        at: '2026-01-04T10:00:00.000Z',
      }),
      'e4',
    );
    const ids = async (query: Parameters<EntriesService['list']>[0]) => (await service.list(query)).items.map((item) => item.id);

    expect(await ids({})).toEqual(['e4', 'e3', 'e2', 'e1']);
    expect(await ids({ actor: ALICE })).toEqual(['e4', 'e1']);
    expect(await ids({ action: 'oauth.grants.revoked' })).toEqual(['e2']);
    expect(await ids({ target: 'key:a' })).toEqual(['e4', 'e1']);
    expect(await ids({ from: '2026-01-02T10:00:00Z', to: '2026-01-04T10:00:00Z' })).toEqual(['e3', 'e2']);
    expect(await ids({ actor: ALICE, from: '2026-01-02T00:00:00Z' })).toEqual(['e4']);

    const first = await service.list({ limit: 3 });
    expect(first.items.map((item) => item.id)).toEqual(['e4', 'e3', 'e2']);
    const second = await service.list({
      limit: 3,
      cursor: first.nextCursor as string,
    });
    expect(second).toMatchObject({
      items: [expect.objectContaining({ id: 'e1' })],
      nextCursor: null,
    });
  });

  it('lists a user’s own activity: entries they did and entries done to them, never another’s', async () => {
    const one = appender();
    await one.append(record({ actor: ALICE }), 'mine-1');
    await one.append(record({ actor: BOB, target: 'application:c1' }), 'bobs');
    await one.append(
      record({
        actor: 'service:users',
        action: 'users.roles.changed',
        target: `user:${ALICE}`,
      }),
      'mine-2',
    );
    await one.append(
      record({
        actor: null,
        action: 'auth.login.failed',
        target: null,
        outcome: 'failure',
      }),
      'nobodys',
    );
    const alice: Actor = { sub: ALICE, roles: ['user'] };
    expect((await service.listMine({}, alice)).items.map((item) => item.id)).toEqual(['mine-2', 'mine-1']);
  });

  it('refuses a cursor it did not issue and a time range that ends before it starts, as VALIDATION', async () => {
    await expect(service.list({ cursor: 'AAAAAAAAAAAAAAAA' })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [expect.objectContaining({ field: 'cursor' })],
    });
    await expect(
      service.list({
        from: '2026-01-02T00:00:00Z',
        to: '2026-01-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

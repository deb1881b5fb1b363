import { Logger } from '@nestjs/common';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { CollectionExpiry, DocumentExpiry, type ExpiringCollection, ExpiryModule } from './expiry';
import { PersistenceModule } from './persistence.module';

interface Ticket {
  name: string;
  expiresAt?: Date;
}

const uri = () => process.env['PERSISTENCE_TEST_MONGODB_URI'] as string;
const testDbName = () => `expiry_test_${randomBytes(4).toString('hex')}`;
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
const ticketSchema = () => new Schema<Ticket>({ name: { type: String, required: true }, expiresAt: Date });

describe('CollectionExpiry (real FerretDB/MongoDB)', () => {
  let db: Connection;
  let tickets: Model<Ticket>;
  let expiries: CollectionExpiry[];

  /** An expiry on the real collection, stopped after the test. */
  const expiryOf = (collection: ExpiringCollection, afterSeconds = 0, batchSize = 1000) => {
    const expiry = new CollectionExpiry(collection, { field: 'expiresAt', afterSeconds }, { sweepMs: 60_000, batchSize });
    expiries.push(expiry);
    return expiry;
  };
  const names = async () => (await tickets.find().lean().exec()).map((t) => t.name).sort();

  beforeAll(async () => {
    db = await mongoose.createConnection(uri(), { dbName: testDbName() }).asPromise();
    tickets = db.model<Ticket>('Ticket', ticketSchema());
  });

  beforeEach(async () => {
    expiries = [];
    await tickets.deleteMany({}).exec();
  });

  afterEach(async () => {
    await Promise.all(expiries.map((expiry) => expiry.stop()));
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  it('uses a TTL index where the server accepts one, and the sweeper on FerretDB, which refuses it', async () => {
    const buildInfo = await db.getClient().db('admin').command({ buildInfo: 1 });
    const onFerretDB = 'ferretdbVersion' in buildInfo;

    const first = expiryOf(tickets.collection);
    const again = expiryOf(tickets.collection); // a restart, or a second replica
    await first.start();
    await again.start();

    const ttlIndex = (await tickets.collection.indexes()).find((index) => index.name === 'expiresAt_expiry');
    if (onFerretDB) {
      expect([first.mode, again.mode]).toEqual(['sweeper', 'sweeper']);
      expect(first.refusal).toBe('Index option "expireAfterSeconds" is not implemented yet');
      expect(first.sweeping).toBe(true);
      expect(ttlIndex).toBeUndefined();
    } else {
      expect([first.mode, again.mode]).toEqual(['ttl-index', 'ttl-index']);
      expect(first.sweeping).toBe(false);
      expect(ttlIndex).toMatchObject({ key: { expiresAt: 1 }, expireAfterSeconds: 0 });
    }
  });

  it('deletes the documents whose expiry has passed, batch after batch, and keeps the others', async () => {
    await tickets.insertMany([
      ...['a', 'b', 'c', 'd', 'e'].map((name, i) => ({ name, expiresAt: ago(10 + i) })),
      { name: 'future', expiresAt: ago(-3600) },
      { name: 'no expiry' },
    ]);

    const deleted = await expiryOf(tickets.collection, 0, 2).sweepNow();

    expect(deleted).toBe(5);
    expect(await names()).toEqual(['future', 'no expiry']);
  });

  it('keeps a document for afterSeconds past its expiry', async () => {
    await tickets.insertMany([
      { name: 'expired a minute ago', expiresAt: ago(60) },
      { name: 'expired an hour ago', expiresAt: ago(3600) },
    ]);

    await expiryOf(tickets.collection, 600).sweepNow();

    expect(await names()).toEqual(['expired a minute ago']);
  });

  it('keeps a document whose expiry was moved into the future while a sweep was under way', async () => {
    await tickets.insertMany([
      { name: 'renewed', expiresAt: ago(10) },
      { name: 'expired', expiresAt: ago(10) },
    ]);
    // the renewal lands between the sweep's find and its delete
    const racing: ExpiringCollection = {
      collectionName: tickets.collection.collectionName,
      createIndex: (...args) => tickets.collection.createIndex(...args),
      find: (...args) => tickets.collection.find(...args),
      deleteMany: async (...args) => {
        await tickets.updateOne({ name: 'renewed' }, { $set: { expiresAt: ago(-3600) } }).exec();
        return tickets.collection.deleteMany(...args);
      },
    };

    await expiryOf(racing).sweepNow();

    expect(await names()).toEqual(['renewed']);
  });

  it('lets several replicas sweep the same collection at once', async () => {
    await tickets.insertMany(Array.from({ length: 30 }, (_, i) => ({ name: `t${i}`, expiresAt: ago(10) })));
    await tickets.create({ name: 'future', expiresAt: ago(-3600) });

    const deleted = await Promise.all([1, 2, 3].map(() => expiryOf(tickets.collection, 0, 7).sweepNow()));

    expect(deleted.reduce((sum, n) => sum + n, 0)).toBe(30);
    expect(await names()).toEqual(['future']);
  });
});

describe('CollectionExpiry (choosing the mode, with a stub collection)', () => {
  const sweepMs = 1000;
  let warn: jest.SpyInstance;

  /** A collection whose server accepts or refuses the TTL index, and which has nothing to sweep. */
  const stubCollection = (createIndex: () => Promise<string>) => {
    const toArray = jest.fn().mockResolvedValue([]);
    return {
      collectionName: 'stubs',
      createIndex: jest.fn(createIndex),
      find: jest.fn(() => ({ toArray })),
      deleteMany: jest.fn().mockResolvedValue({ deletedCount: 0 }),
      toArray,
    };
  };
  const refused = () =>
    Promise.reject(Object.assign(new Error('Index option "expireAfterSeconds" is not implemented yet'), { code: 238 }));
  const expiryOf = (collection: ReturnType<typeof stubCollection>, afterSeconds = 0) =>
    new CollectionExpiry(collection as unknown as ExpiringCollection, { field: 'expiresAt', afterSeconds }, { sweepMs });

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('creates a TTL index on the field, keeping documents afterSeconds, and runs no sweeper when the server accepts it', async () => {
    const collection = stubCollection(async () => 'expiresAt_expiry');
    const expiry = expiryOf(collection, 90);

    expect(await expiry.start()).toBe('ttl-index');
    await jest.advanceTimersByTimeAsync(10 * sweepMs);

    expect(collection.createIndex).toHaveBeenCalledWith({ expiresAt: 1 }, { name: 'expiresAt_expiry', expireAfterSeconds: 90 });
    expect(expiry.sweeping).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    expect(collection.find).not.toHaveBeenCalled();
    expect(collection.deleteMany).not.toHaveBeenCalled();
  });

  it('sweeps every sweepMs when the server refuses the TTL index, and stops when asked', async () => {
    const collection = stubCollection(refused);
    const expiry = expiryOf(collection);

    expect(await expiry.start()).toBe('sweeper');
    await jest.advanceTimersByTimeAsync(3 * sweepMs);
    expect(collection.find).toHaveBeenCalledTimes(3);
    expect(collection.find).toHaveBeenCalledWith({ expiresAt: { $lt: expect.any(Date) } }, { projection: { _id: 1 }, limit: 1000 });

    await expiry.stop();
    await jest.advanceTimersByTimeAsync(3 * sweepMs);
    expect(collection.find).toHaveBeenCalledTimes(3);
    expect(expiry.sweeping).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('logs a failed sweep as a warning and sweeps again at the next tick', async () => {
    const collection = stubCollection(refused);
    collection.toArray.mockRejectedValueOnce(new Error('connection reset')).mockResolvedValue([{ _id: 1 }]);
    collection.deleteMany.mockResolvedValue({ deletedCount: 1 });
    const expiry = expiryOf(collection);
    await expiry.start();

    await jest.advanceTimersByTimeAsync(sweepMs);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('connection reset'));
    expect(collection.deleteMany).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(sweepMs);
    expect(collection.deleteMany).toHaveBeenCalledWith({ _id: { $in: [1] }, expiresAt: { $lt: expect.any(Date) } });
    await expiry.stop();
  });

  it('falls back to the sweeper, with a warning, when the TTL index fails for another reason than a refusal', async () => {
    const collection = stubCollection(() => Promise.reject(Object.assign(new Error('Index already exists with a different name'), { code: 85 })));
    const expiry = expiryOf(collection);

    expect(await expiry.start()).toBe('sweeper');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Index already exists with a different name'));
    await expiry.stop();
  });
});

describe('ExpiryModule (a Nest application on real FerretDB/MongoDB)', () => {
  it('starts with the application, sweeps the models it was given, and stops when the application closes', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRootAsync({ useFactory: () => ({ uri: uri(), dbName: testDbName(), requireTestDatabase: true }) }),
        MongooseModule.forFeature([{ name: 'Ticket', schema: ticketSchema() }]),
        ExpiryModule.forFeature([{ name: 'Ticket', field: 'expiresAt' }], { sweepMs: 60_000 }),
      ],
    }).compile();
    await moduleRef.init();
    const expiry = moduleRef.get(DocumentExpiry, { strict: false });
    const tickets = moduleRef.get<Model<Ticket>>(getModelToken('Ticket'), { strict: false });
    try {
      await tickets.insertMany([
        { name: 'expired', expiresAt: ago(10) },
        { name: 'live', expiresAt: ago(-3600) },
      ]);

      await expiry.sweepNow();

      expect((await tickets.find().lean().exec()).map((t) => t.name)).toEqual(['live']);
      const [ticketsExpiry] = expiry.collections;
      expect(ticketsExpiry.collectionName).toBe('tickets');
      expect(ticketsExpiry.sweeping).toBe(ticketsExpiry.mode === 'sweeper');
    } finally {
      await tickets.db.dropDatabase();
      await moduleRef.close();
    }
    expect(expiry.collections.map((c) => c.sweeping)).toEqual([false]);
  });
});

import mongoose, { type Connection, Schema, Types } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { findLiveById } from './tombstone';

describe('findLiveById (real FerretDB/MongoDB)', () => {
  let connection: Connection;
  let people: mongoose.Model<unknown>;
  const schema = new Schema({
    name: String,
    passwordHash: { type: String, select: false },
    mfa: { secret: { type: String, select: false }, enabled: Boolean },
    deletedAt: Date,
  });

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(process.env['PERSISTENCE_TEST_MONGODB_URI'] as string, { dbName: `tombstone_test_${randomBytes(4).toString('hex')}` })
      .asPromise();
    people = connection.model<unknown>('Person', schema, 'people');
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  const stored = async (fields: Record<string, unknown>) => {
    const _id = new Types.ObjectId();
    await connection.db!.collection('people').insertOne({ _id, ...fields });
    return _id;
  };

  it('returns a live document without the fields its schema hides, as findById().lean() would', async () => {
    const id = await stored({ name: 'A', passwordHash: 'h', mfa: { secret: 's', enabled: true } });
    const expected = await people.findById(id).lean().exec();

    await expect(findLiveById(people, id)).resolves.toEqual(expected);
    expect(expected).toEqual({ _id: id, name: 'A', mfa: { enabled: true } });
  });

  it('takes the id as a string too, cast as the schema says', async () => {
    const id = await stored({ name: 'B' });
    await expect(findLiveById(people, id.toHexString())).resolves.toEqual({ _id: id, name: 'B' });
  });

  it('adds a hidden field that is asked for, and only that one', async () => {
    const id = await stored({ name: 'C', passwordHash: 'h', mfa: { secret: 's', enabled: false } });
    await expect(findLiveById(people, id, '+passwordHash')).resolves.toEqual({ _id: id, name: 'C', passwordHash: 'h', mfa: { enabled: false } });
  });

  it('treats a deleted document as absent, and a missing one too', async () => {
    const id = await stored({ name: 'D', deletedAt: new Date() });
    await expect(findLiveById(people, id)).resolves.toBeNull();
    await expect(findLiveById(people, new Types.ObjectId())).resolves.toBeNull();
  });

  it('refuses an id that is no id, as findById does', async () => {
    await expect(findLiveById(people, 'not-an-id')).rejects.toMatchObject({ name: 'CastError' });
  });
});

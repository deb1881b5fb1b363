import mongoose, { type Connection, Schema } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { ensureIndexes, type IndexSpec } from './ensure-indexes';
import { OUTBOX_FIELDS } from './outbox';

describe('ensureIndexes (real FerretDB/MongoDB)', () => {
  let connection: Connection;
  const names = async (collection: string) => (await connection.db!.collection(collection).indexes()).map((index) => index.name).sort();

  beforeEach(async () => {
    connection = await mongoose
      .createConnection(process.env['PERSISTENCE_TEST_MONGODB_URI'] as string, { dbName: `indexes_test_${randomBytes(4).toString('hex')}` })
      .asPromise();
  });

  afterEach(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('creates the missing indexes, under the names Mongoose gives them, and leaves them as they are when run again', async () => {
    const db = connection.db as mongoose.mongo.Db;
    const specs: IndexSpec[] = [{ key: { email: 1 }, unique: true }, { key: { applicationId: 1, _id: -1 } }, { key: { outboxAt: 1 }, sparse: true }];

    await ensureIndexes(db, 'things', specs);
    await ensureIndexes(db, 'things', specs);

    expect(await names('things')).toEqual(['_id_', 'applicationId_1__id_-1', 'email_1', 'outboxAt_1']);
    await db.collection('things').insertOne({ email: 'a@b.co' });
    await expect(db.collection('things').insertOne({ email: 'a@b.co' })).rejects.toMatchObject({ code: 11000 });
  });

  it("makes no second index beside the ones a schema's autoIndex built", async () => {
    const schema = new Schema({ email: { type: String, unique: true }, nameLower: { type: String, index: true } }).add(OUTBOX_FIELDS);
    await connection.model('Person', schema, 'people').init();
    const built = await names('people');

    await ensureIndexes(connection.db as mongoose.mongo.Db, 'people', [{ key: { email: 1 }, unique: true }, { key: { nameLower: 1 } }, { key: { outboxAt: 1 }, sparse: true }]);

    expect(await names('people')).toEqual(built);
    expect(built).toEqual(['_id_', 'email_1', 'nameLower_1', 'outboxAt_1']);
  });
});

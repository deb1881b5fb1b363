import { MigrationRunner } from '@site11/persistence';
import mongoose, { type Connection, Types } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Launched, startMongo } from '../../../../tools/platform/platform.cjs';
import { migrations } from '.';
import { usersNameLower } from './0002-users-name-lower';

jest.setTimeout(30_000);

describe("the users database's migrations (real FerretDB/MongoDB)", () => {
  let mongo: Launched | undefined;
  let connection: Connection;
  const users = () => connection.db!.collection('users');
  const runner = () => new MigrationRunner(connection.db!, migrations, { owner: 'users-migrations-test' });

  beforeAll(async () => {
    let uri = process.env['MONGODB_URI'];
    if (!uri) {
      const started = await startMongo({ dir: mkdtempSync(join(tmpdir(), 'users-migrations-')) });
      mongo = started;
      uri = started.uri;
    }
    connection = await mongoose.createConnection(uri, { dbName: `users_test_${randomBytes(4).toString('hex')}` }).asPromise();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
    await mongo?.stop();
  });

  it('apply in order on an empty database, leaving the indexes the schema declares, then find nothing to do', async () => {
    expect((await runner().run()).appliedNow).toEqual(['0001-baseline', '0002-users-name-lower']);
    expect((await runner().run()).appliedNow).toEqual([]);

    const indexes = (await users().indexes()).map((index) => index.name).sort();
    expect(indexes).toEqual(['_id_', 'email_1', 'nameLower_1', 'outboxAt_1']);
  });

  it('set nameLower from the name of the users written without it, and leave every other user and field as it was', async () => {
    const updatedAt = new Date('2024-01-02T03:04:05Z');
    const restored = { _id: new Types.ObjectId(), email: 'ada@example.com', name: 'Ada LOVELACE', updatedAt };
    const current = { _id: new Types.ObjectId(), email: 'bob@example.com', name: 'Bob', nameLower: 'bob', updatedAt };
    const nameless = { _id: new Types.ObjectId(), email: 'nameless@example.com', updatedAt };
    await users().insertMany([restored, current, nameless]);

    await usersNameLower.up(connection.db!);
    await usersNameLower.up(connection.db!); // as a run that died before recording it would be followed by another

    expect(await users().findOne({ _id: restored._id })).toEqual({ ...restored, nameLower: 'ada lovelace' });
    expect(await users().findOne({ _id: current._id })).toEqual(current);
    expect(await users().findOne({ _id: nameless._id })).toEqual(nameless);
  });

  it('reach every user, past the first batch of the cursor, while the users read are being written', async () => {
    await users().deleteMany({});
    await users().insertMany(Array.from({ length: 250 }, (_, i) => ({ email: `u${i}@example.com`, name: `User ${i}` })));

    await usersNameLower.up(connection.db!);

    expect(await users().countDocuments({ nameLower: { $exists: false } })).toBe(0);
    expect(await users().findOne({ email: 'u249@example.com' })).toMatchObject({ nameLower: 'user 249' });
  });
});

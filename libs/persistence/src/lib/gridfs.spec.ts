import mongoose, { type Connection, mongo } from 'mongoose';
import { randomBytes } from 'node:crypto';

/**
 * GridFS on the MongoDB-compatible server the platform runs on here (FerretDB 1.24) as on
 * MongoDB 7: the images service (issue #15) stores file bytes in it, streamed. Proved before
 * building on it: a 10 MB file written in pieces and read back whole, a byte range read
 * (HTTP Range), lookup by metadata, and a delete that leaves no chunk behind.
 */
describe('GridFS (real FerretDB/MongoDB)', () => {
  let db: Connection;
  let bucket: mongo.GridFSBucket;
  const data = randomBytes(10 * 1024 * 1024);

  beforeAll(async () => {
    db = await mongoose.createConnection(process.env['PERSISTENCE_TEST_MONGODB_URI'] as string, {
      dbName: `gridfs_test_${randomBytes(4).toString('hex')}`,
    }).asPromise();
    bucket = new mongo.GridFSBucket(db.db as mongo.Db, { bucketName: 'files', chunkSizeBytes: 255 * 1024 });
  });

  afterAll(async () => {
    await db.dropDatabase();
    await db.close();
  });

  const upload = (name: string, ownerId: string) =>
    new Promise<mongo.ObjectId>((resolve, reject) => {
      const stream = bucket.openUploadStream(name, { metadata: { ownerId } });
      stream.on('finish', () => resolve(stream.id)).on('error', reject);
      // written a megabyte at a time, as a request body arrives
      for (let offset = 0; offset < data.length; offset += 1024 * 1024) stream.write(data.subarray(offset, offset + 1024 * 1024));
      stream.end();
    });

  const read = (id: mongo.ObjectId, range?: { start: number; end: number }) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      bucket
        .openDownloadStream(id, range)
        .on('data', (chunk: Buffer) => chunks.push(chunk))
        .on('end', () => resolve(Buffer.concat(chunks)))
        .on('error', reject);
    });

  it('stores a file streamed in pieces and reads it back byte for byte, whole and by range', async () => {
    const id = await upload('photo.bin', 'owner-1');
    expect((await read(id)).equals(data)).toBe(true);
    expect((await read(id, { start: 1000, end: 300_000 })).equals(data.subarray(1000, 300_000))).toBe(true);
    const [file] = await bucket.find({ 'metadata.ownerId': 'owner-1' }).toArray();
    expect(file).toMatchObject({ filename: 'photo.bin', length: data.length, chunkSize: 255 * 1024 });
  });

  it('deletes a file with every chunk', async () => {
    const id = await upload('gone.bin', 'owner-2');
    expect(await db.collection('files.chunks').countDocuments({ files_id: id })).toBe(Math.ceil(data.length / (255 * 1024)));
    await bucket.delete(id);
    expect(await db.collection('files.chunks').countDocuments({ files_id: id })).toBe(0);
    expect(await db.collection('files.files').countDocuments({ _id: id })).toBe(0);
  });
});

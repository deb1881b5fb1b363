import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { DomainError, ErrorKind, ImagesErrors } from '@site11/contracts';
import { LRUCache } from 'lru-cache';
import { type Connection, mongo, Types } from 'mongoose';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ImagesConfig } from '../images.config';

export const BUCKET = 'images';

/** A stored file that is no longer there: its image was deleted meanwhile (another replica, a race). */
export class ImageGoneError extends DomainError {
  constructor() {
    super(ImagesErrors.notFound, ErrorKind.NotFound, 'This image no longer exists');
  }
}

const isFileNotFound = (error: unknown): boolean => /FileNotFound|file not found/i.test(`${(error as { name?: string })?.name} ${(error as Error)?.message}`);

/** Renditions up to this size are kept in memory once read (thumbnails, most medium sizes). */
export const CACHED_FILE_MAX_BYTES = 512 * 1024;

export interface StoredFile {
  fileId: Types.ObjectId;
  bytes: number;
  sha256: string;
}

/**
 * The bytes of images, in GridFS (`images.files` / `images.chunks` in images_db): written once,
 * never changed, read whole or by byte range, streamed in 255 KiB chunks both ways. Proved on
 * FerretDB 1.24 by libs/persistence's gridfs.spec.ts. Which image a file belongs to is kept on
 * the image (`fileIds`), so a file that lost its image (a crash between the two writes) is
 * found and removed by the orphan sweep.
 */
@Injectable()
export class ImageStore {
  readonly bucket: mongo.GridFSBucket;
  /**
   * Small files by id, least recently used out first (lru-cache). A stored file never changes, so
   * nothing is ever stale; a deleted one is no longer reachable (its image is gone) and ages out.
   */
  private readonly recent: LRUCache<string, Buffer> | null;

  constructor(
    @InjectConnection() private readonly connection: Connection,
    config: ImagesConfig,
  ) {
    this.bucket = new mongo.GridFSBucket(connection.db as mongo.Db, { bucketName: BUCKET });
    this.recent = config.IMAGES_CACHE_MB > 0 ? new LRUCache<string, Buffer>({ maxSize: config.IMAGES_CACHE_MB * 1024 * 1024, sizeCalculation: (bytes) => bytes.length }) : null;
  }

  private get files() {
    return this.connection.collection(`${BUCKET}.files`);
  }

  private get chunks() {
    return this.connection.collection(`${BUCKET}.chunks`);
  }

  /**
   * A file's bytes in one buffer; small ones (at most CACHED_FILE_MAX_BYTES) from memory when read
   * recently: on the way to a thumbnail, this skips the two storage queries of a GridFS read. A
   * file that is gone (deleted meanwhile) is ImageGoneError.
   */
  async whole(fileId: Types.ObjectId): Promise<Buffer> {
    const key = fileId.toHexString();
    const hit = this.recent?.get(key);
    if (hit) return hit;
    const bytes = await this.readAll(fileId);
    if (bytes.length <= CACHED_FILE_MAX_BYTES) this.recent?.set(key, bytes);
    return bytes;
  }

  /**
   * The file's bytes as a stream, `start` to `end` inclusive when given (HTTP Range), once its
   * first bytes are there: a file that is gone fails here (ImageGoneError), before any header is
   * sent, not half way through a 200.
   */
  async open(fileId: Types.ObjectId, range?: { start: number; end: number }): Promise<Readable> {
    const stream = this.read(fileId, range);
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        stream.off('readable', ready);
        reject(isFileNotFound(error) ? new ImageGoneError() : error);
      };
      const ready = () => {
        stream.off('error', fail);
        resolve();
      };
      stream.once('readable', ready).once('error', fail);
    });
    return stream;
  }

  async put(data: Buffer, filename: string, metadata: { ownerId: string; contentType: string }): Promise<StoredFile> {
    const fileId = new Types.ObjectId();
    await new Promise<void>((resolve, reject) => {
      const upload = this.bucket.openUploadStreamWithId(fileId, filename, { metadata });
      upload.once('finish', () => resolve()).once('error', reject);
      upload.end(data);
    });
    return { fileId, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
  }

  /** The file's bytes, `start` to `end` inclusive when given (HTTP Range semantics). */
  read(fileId: Types.ObjectId, range?: { start: number; end: number }): Readable {
    // GridFS' `end` is exclusive
    return this.bucket.openDownloadStream(fileId, range ? { start: range.start, end: range.end + 1 } : undefined);
  }

  async readAll(fileId: Types.ObjectId): Promise<Buffer> {
    const parts: Buffer[] = [];
    try {
      for await (const part of this.read(fileId)) parts.push(part as Buffer);
    } catch (error) {
      throw isFileNotFound(error) ? new ImageGoneError() : error;
    }
    return Buffer.concat(parts);
  }

  /** Removes files and their chunks; a file already gone is no error (a retried delete). */
  async remove(fileIds: Types.ObjectId[]): Promise<void> {
    if (fileIds.length === 0) return;
    // chunks first: a crash in between leaves a file document without chunks, which the sweep
    // finds by its file document (no chunk without a file is ever left by a delete)
    await this.chunks.deleteMany({ files_id: { $in: fileIds } });
    await this.files.deleteMany({ _id: { $in: fileIds } });
  }

  /** Files uploaded before `before`, a batch at a time, oldest first. */
  async filesBefore(before: Date, after: Types.ObjectId | null, limit: number): Promise<Types.ObjectId[]> {
    const found = await this.files
      .find({ uploadDate: { $lt: before }, ...(after ? { _id: { $gt: after } } : {}) }, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
    return found.map(({ _id }) => _id as unknown as Types.ObjectId);
  }

  /**
   * Chunks whose file document does not exist, written between `after` and `before` (an upload
   * that died half way: GridFS writes the file document last; a delete here removes chunks
   * first, so it never leaves any). Only that window is read: FerretDB answers this by reading
   * every chunk in it, bytes included. Removed; returns how many.
   */
  async removeChunksWithoutFile(after: Date | null, before: Date): Promise<number> {
    const upTo = Types.ObjectId.createFromTime(Math.floor(before.getTime() / 1000));
    const window = after ? { $gte: Types.ObjectId.createFromTime(Math.floor(after.getTime() / 1000)), $lt: upTo } : { $lt: upTo };
    const owners = await this.chunks.aggregate<{ _id: Types.ObjectId }>([{ $match: { _id: window } }, { $group: { _id: '$files_id' } }]).toArray();
    let removed = 0;
    for (let i = 0; i < owners.length; i += 500) {
      const ids = owners.slice(i, i + 500).map(({ _id }) => _id);
      const present = new Set((await this.files.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map(({ _id }) => String(_id)));
      const missing = ids.filter((id) => !present.has(String(id)));
      if (missing.length > 0) removed += (await this.chunks.deleteMany({ files_id: { $in: missing }, _id: window })).deletedCount;
    }
    return removed;
  }

  async totals(): Promise<{ files: number; bytes: number }> {
    // one accumulator per $group: FerretDB 1.24 computes only the first (see UsageService)
    const [files, [total]] = await Promise.all([this.files.countDocuments(), this.files.aggregate<{ bytes: number }>([{ $group: { _id: null, bytes: { $sum: '$length' } } }]).toArray()]);
    return { files, bytes: total?.bytes ?? 0 };
  }
}

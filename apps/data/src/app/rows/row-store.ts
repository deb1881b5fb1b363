import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo, Types } from 'mongoose';
import type { StoredValue } from '../schema/field-rules';

/** A stored row: an ObjectId made in write order (so `_id` order is the version's row order) and its values. */
export interface RowDocument {
  _id: Types.ObjectId;
  [key: string]: StoredValue | Types.ObjectId;
}

const ROWS_PREFIX = 'rows_';
const REJECTED_PREFIX = 'rejected_';

/**
 * Where rows live: one collection per dataset version (`rows_<dataset>_<version>`). A query
 * reads only its version (FerretDB's SQLite backend scans a collection for most filters, so one
 * shared collection would scan every dataset's rows), a version is removed by dropping its
 * collection, and a rollback is a pointer change. Rejected rows of an import job are a
 * collection too (`rejected_<job>`), dropped with the job.
 */
@Injectable()
export class RowStore {
  private serverIsMongo?: Promise<boolean>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  /** Whether the server is MongoDB itself (FerretDB's buildInfo carries `ferretdbVersion`). */
  isMongo(): Promise<boolean> {
    // a failed probe (the database down for a moment) is not remembered: the next call asks again
    this.serverIsMongo ??= (async () => {
      const info = await this.db().admin().command({ buildInfo: 1 });
      return !('ferretdbVersion' in info);
    })().catch((error: unknown) => {
      this.serverIsMongo = undefined;
      throw error;
    });
    return this.serverIsMongo;
  }

  /**
   * How to ask for a version's rows in their order: sorted by `_id` on MongoDB (a walk of the
   * `_id` index), unsorted on FerretDB, whose SQLite backend would load the whole version into
   * memory to sort it (381 MB for 100,000 rows in bench:data) and whose natural order is the
   * insertion order — `_id` order here, since one writer inserts a version's rows in `_id` order
   * and later changes replace rows in place.
   */
  async inOrder(): Promise<{ sort?: { _id: 1 } }> {
    return (await this.isMongo()) ? { sort: { _id: 1 } } : {};
  }

  rows(datasetId: string, version: number): mongo.Collection<RowDocument> {
    return this.db().collection<RowDocument>(`${ROWS_PREFIX}${datasetId}_${version}`);
  }

  rejected<T extends mongo.Document>(jobId: string): mongo.Collection<T> {
    return this.db().collection<T>(`${REJECTED_PREFIX}${jobId}`);
  }

  async dropRows(datasetId: string, version: number): Promise<void> {
    await this.drop(`${ROWS_PREFIX}${datasetId}_${version}`);
  }

  async dropRejected(jobId: string): Promise<void> {
    await this.drop(`${REJECTED_PREFIX}${jobId}`);
  }

  /** Row collections by dataset id, and rejected-row collections by job id, as they are in the database. */
  async inventory(): Promise<{ rows: Map<string, number[]>; rejected: string[] }> {
    const names = await this.db().listCollections({}, { nameOnly: true }).toArray();
    const rows = new Map<string, number[]>();
    const rejected: string[] = [];
    for (const { name } of names) {
      const row = /^rows_([0-9a-f]{24})_(\d+)$/.exec(name);
      if (row) rows.set(row[1], [...(rows.get(row[1]) ?? []), Number(row[2])]);
      const job = /^rejected_([0-9a-f]{24})$/.exec(name);
      if (job) rejected.push(job[1]);
    }
    return { rows, rejected };
  }

  private async drop(name: string): Promise<void> {
    try {
      await this.db().dropCollection(name);
    } catch (error) {
      // already gone: what was wanted
      if ((error as { codeName?: string; code?: number }).codeName !== 'NamespaceNotFound' && (error as { code?: number }).code !== 26) throw error;
    }
  }

  private db() {
    const db = this.connection.db;
    if (!db) throw new Error('The database connection is not open');
    return db;
  }
}

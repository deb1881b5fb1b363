import { type Page, ValidationError } from '@site11/contracts';
import { Types } from 'mongoose';

/** Page cursors are the base64url form of the last ObjectId of the previous page. */
export function encodeCursor(id: Types.ObjectId): string {
  return Buffer.from(id.toHexString(), 'hex').toString('base64url');
}

export function decodeCursor(cursor: string): Types.ObjectId | null {
  const bytes = Buffer.from(cursor, 'base64url');
  return bytes.length === 12 ? new Types.ObjectId(bytes.toString('hex')) : null;
}

/** A cursor that has the right shape but is not one this platform issued (400 VALIDATION_FAILED on `cursor`). */
export class InvalidCursorError extends ValidationError {
  constructor() {
    super([{ field: 'cursor', constraints: { cursor: 'cursor is not a valid page cursor' } }]);
  }
}

/**
 * Keyset pagination by `_id`, the one way every list of the platform pages: `filter` holds the
 * condition for the page after `cursor` (none for the first page), and `page()` turns the
 * `limit + 1` documents read, sorted by `_id` ascending, into the page and its next cursor.
 */
export class KeysetPage {
  readonly filter: { _id?: { $gt: Types.ObjectId } | { $lt: Types.ObjectId } };
  readonly limit: number;
  /** Read this many documents: one more than the page, to know whether another follows. */
  readonly fetch: number;

  /** `order`: how the query sorts `_id` (`desc`: newest first, the cursor pages back). */
  constructor(query: { cursor?: string; limit?: number }, defaultLimit: number, order: 'asc' | 'desc' = 'asc') {
    this.limit = query.limit ?? defaultLimit;
    this.fetch = this.limit + 1;
    if (query.cursor === undefined) {
      this.filter = {};
      return;
    }
    const after = decodeCursor(query.cursor);
    if (!after) throw new InvalidCursorError();
    this.filter = order === 'asc' ? { _id: { $gt: after } } : { _id: { $lt: after } };
  }

  page<D extends { _id: Types.ObjectId }, T>(found: D[], toDto: (doc: D) => T): Page<T> {
    const items = found.slice(0, this.limit);
    const nextCursor = found.length > this.limit ? encodeCursor(items[items.length - 1]._id) : null;
    return { items: items.map(toDto), nextCursor };
  }
}

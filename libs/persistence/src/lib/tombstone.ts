/**
 * The filter of documents that are not deleted. A delete marks the document (`deletedAt`) and
 * records its `*.deleted` event in the same update; the outbox relay removes the document once the
 * event is published. In between, no query may see it.
 */
export const LIVE = { deletedAt: { $exists: false } } as const;

/**
 * A live document by id, or null when it does not exist or is deleted. FerretDB 1.24 hands a
 * filter to SQLite only when it is `_id` alone: `{ _id, ...LIVE }` reads the whole collection
 * (20 ms at 1,000 documents, measured in docs/performance.md), `{ _id }` one row. So the
 * tombstone is checked here, on the one document read; on MongoDB both are an `_id` lookup.
 * `select` may only add fields (`+passwordHash`), so `deletedAt` is always read.
 */
export async function findLiveById<T>(
  model: { findById(id: unknown): { select(fields: string): unknown; lean<R>(): { exec(): Promise<R | null> } } },
  id: unknown,
  select?: `+${string}`,
): Promise<T | null> {
  const query = model.findById(id);
  const doc = await (select ? (query.select(select) as typeof query) : query).lean<T & { deletedAt?: unknown }>().exec();
  return doc && (doc.deletedAt === undefined || doc.deletedAt === null) ? doc : null;
}

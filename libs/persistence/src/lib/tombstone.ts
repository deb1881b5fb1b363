import type { Collection, Schema } from 'mongoose';

/**
 * The filter of documents that are not deleted. A delete marks the document (`deletedAt`) and
 * records its `*.deleted` event in the same update; the outbox relay removes the document once the
 * event is published. In between, no query may see it.
 */
export const LIVE = { deletedAt: { $exists: false } } as const;

/** The projection mongoose would apply by default: every `select: false` path left out. */
const hiddenPaths = new WeakMap<object, string[]>();
function projectionOf(schema: Schema, select?: `+${string}`): Record<string, 0> | undefined {
  let hidden = hiddenPaths.get(schema);
  if (!hidden) {
    hidden = [];
    schema.eachPath((path, type) => {
      if ((type.options as { select?: unknown } | undefined)?.select === false) hidden?.push(path);
    });
    hiddenPaths.set(schema, hidden);
  }
  const added = new Set((select ?? '').split(/\s+/).filter((field) => field.startsWith('+')).map((field) => field.slice(1)));
  const left = hidden.filter((path) => !added.has(path));
  return left.length > 0 ? Object.fromEntries(left.map((path) => [path, 0 as const])) : undefined;
}

/**
 * A live document by id, or null when it does not exist or is deleted. FerretDB 1.24 hands a
 * filter to SQLite only when it is `_id` alone: `{ _id, ...LIVE }` reads the whole collection
 * (20 ms at 1,000 documents, measured in docs/performance.md), `{ _id }` one row. So the
 * tombstone is checked here, on the one document read; on MongoDB both are an `_id` lookup.
 * `select` may only add fields (`+passwordHash`), so `deletedAt` is always read.
 *
 * The hottest read of the platform, so it goes to the driver through the model's collection
 * (mongoose's buffering while it connects still applies) with the projection and the id cast
 * that `findById(id).select(select).lean()` would use, without building a mongoose Query
 * (docs/performance.md, #18).
 */
export async function findLiveById<T>(model: { collection: Pick<Collection, 'findOne'>; schema: Schema }, id: unknown, select?: `+${string}`): Promise<T | null> {
  const _id = model.schema.path('_id')?.cast(id) ?? id;
  const projection = projectionOf(model.schema, select);
  const doc = (await model.collection.findOne({ _id }, projection ? { projection } : {})) as (T & { deletedAt?: unknown }) | null;
  return doc && (doc.deletedAt === undefined || doc.deletedAt === null) ? doc : null;
}

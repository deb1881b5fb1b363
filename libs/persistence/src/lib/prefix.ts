/**
 * `?q=` as a range on a lower-cased copy of a field: what an anchored regex becomes in MongoDB's
 * index scan, and what FerretDB (no regex pushdown) evaluates about twice as fast as the regex.
 * Empty when there is no `q`, so it spreads into a filter as nothing.
 */
export function prefixRange<F extends string>(field: F, q: string | undefined): Partial<Record<F, { $gte: string; $lt: string }>> {
  if (!q) return {};
  const prefix = q.toLowerCase();
  return { [field]: { $gte: prefix, $lt: `${prefix}\uffff` } } as Partial<Record<F, { $gte: string; $lt: string }>>;
}

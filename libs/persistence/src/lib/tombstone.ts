/**
 * The filter of documents that are not deleted. A delete marks the document (`deletedAt`) and
 * records its `*.deleted` event in the same update; the outbox relay removes the document once the
 * event is published. In between, no query may see it.
 */
export const LIVE = { deletedAt: { $exists: false } } as const;

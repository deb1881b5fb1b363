import type { AuditAction, AuditOutcome, AuditVerificationDto } from '@site11/contracts';
import { createHash } from 'node:crypto';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an entry's hash seals: every recorded field, its place and the hash before it. */
export interface SealedFields {
  seq: number;
  /** The entry's id (its event's id). */
  id: string;
  at: Date;
  actor: string | null;
  action: AuditAction;
  target: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string;
  outcome: AuditOutcome;
  prevHash: string;
}

export interface ChainedEntry extends SealedFields {
  hash: string;
}

const SEALED: readonly (keyof SealedFields)[] = [
  'action',
  'actor',
  'at',
  'id',
  'ip',
  'outcome',
  'prevHash',
  'requestId',
  'seq',
  'target',
  'userAgent',
];

/**
 * The fields as one canonical JSON text: keys sorted, every field present (absent is null), the
 * time as ISO 8601 in UTC with milliseconds. A reader in any language recomputes the same bytes.
 */
export function canonicalJson(fields: SealedFields): string {
  const value = (key: keyof SealedFields) => {
    const field = fields[key];
    return field instanceof Date ? field.toISOString() : (field ?? null);
  };
  return `{${SEALED.map((key) => `${JSON.stringify(key)}:${JSON.stringify(value(key))}`).join(',')}}`;
}

/** `sha256(prevHash + canonical JSON of the fields)`, hex. */
export function entryHash(fields: SealedFields): string {
  return createHash('sha256').update(fields.prevHash).update(canonicalJson(fields)).digest('hex');
}

/** The entry that follows `previous` (null: the first), sealed. */
export function sealEntry(previous: { seq: number; hash: string } | null, fields: Omit<SealedFields, 'seq' | 'prevHash'>): ChainedEntry {
  const sealed: SealedFields = {
    ...fields,
    seq: (previous?.seq ?? 0) + 1,
    prevHash: previous?.hash ?? GENESIS_HASH,
  };
  return { ...sealed, hash: entryHash(sealed) };
}

/**
 * Walks the chain in `seq` order, holding only the entry before: any number of entries in
 * bounded memory. The first entry that does not check ends the walk: a `seq` that is not the next
 * one (an entry deleted or moved), a `prevHash` that is not the previous entry's hash (deleted,
 * moved or replaced), or a hash that does not match the entry's fields (edited).
 */
export async function verifyChain(entries: AsyncIterable<ChainedEntry>): Promise<AuditVerificationDto> {
  let checked = 0;
  let previous = { seq: 0, hash: GENESIS_HASH };
  for await (const entry of entries) {
    checked += 1;
    const intact = entry.seq === previous.seq + 1 && entry.prevHash === previous.hash && entryHash(entry) === entry.hash;
    if (!intact) return { valid: false, checked, firstBrokenId: entry.id };
    previous = entry;
  }
  return { valid: true, checked, firstBrokenId: null };
}

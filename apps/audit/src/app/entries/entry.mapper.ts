import type { AuditEntryDto } from '@site11/contracts';
import type { ChainedEntry } from './audit-chain';
import type { Entry } from './entry.schema';

export function toAuditEntryDto(entry: Entry): AuditEntryDto {
  return {
    id: entry.eventId,
    at: entry.at.toISOString(),
    actor: entry.actor ?? null,
    action: entry.action,
    target: entry.target ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    requestId: entry.requestId,
    outcome: entry.outcome,
  };
}

/** The entry as the chain seals it (`seq` is its `_id`, `id` its event's id). */
export function toChainedEntry(entry: Entry): ChainedEntry {
  return {
    seq: entry._id,
    id: entry.eventId,
    at: entry.at,
    actor: entry.actor ?? null,
    action: entry.action,
    target: entry.target ?? null,
    ip: entry.ip ?? null,
    userAgent: entry.userAgent ?? null,
    requestId: entry.requestId,
    outcome: entry.outcome,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}

/**
 * Page cursors of the log: the `seq` of the last entry of the page, as 12 bytes (a tag, then the
 * number) in base64url, the 16 characters every cursor of the platform has.
 */
const CURSOR_TAG = Buffer.from('aud1');

export function encodeSeqCursor(seq: number): string {
  const bytes = Buffer.alloc(12);
  CURSOR_TAG.copy(bytes, 0);
  bytes.writeBigUInt64BE(BigInt(seq), 4);
  return bytes.toString('base64url');
}

/** The `seq` a cursor names, or null when it is not one this service issued. */
export function decodeSeqCursor(cursor: string): number | null {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length !== 12 || !bytes.subarray(0, 4).equals(CURSOR_TAG)) return null;
  const seq = bytes.readBigUInt64BE(4);
  return seq >= 1n && seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : null;
}

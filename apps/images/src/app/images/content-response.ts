import { dispositionHeader } from '@site11/platform';
import type { ImageFormat } from '@site11/contracts';
import type { StoredVariant } from './image.schema';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/avif': 'avif', 'image/gif': 'gif' };

/** `Content-Disposition` that no file name can break: an ASCII fallback and the UTF-8 name (RFC 6266, RFC 8187). */
export function contentDisposition(filename: string, contentType: string): string {
  const extension = EXTENSIONS[contentType] ?? 'bin';
  const stem = filename.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'image';
  return dispositionHeader('inline', `${stem}.${extension}`);
}

export const etagOf = (variant: StoredVariant): string => `"${variant.sha256.slice(0, 32)}"`;

/** `If-None-Match` matches (weak comparison, lists and `*`, RFC 9110 §13.1.2). */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

export type RangeAnswer = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * One `Range: bytes=` range (RFC 9110 §14): `a-b`, `a-` or `-n`. Several ranges, another unit or
 * a malformed header are ignored (the whole content is sent, as the RFC allows); so is a range
 * whose `If-Range` names another version.
 */
export function rangeOf(header: string | undefined, size: number, ifRange: string | undefined, etag: string): RangeAnswer {
  if (!header || (ifRange !== undefined && ifRange.trim() !== etag)) return { kind: 'full' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'full' };
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) return { kind: 'full' };
  }
  if (start >= size || size === 0) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

export const isFormat = (value: unknown, formats: readonly string[]): value is ImageFormat => typeof value === 'string' && formats.includes(value);

import type { Page, UserDto } from '@site11/contracts';

/**
 * The pure side of the search index: how a user becomes sorted-set members, how a page of members
 * becomes a page of users, and the search cursor. Members are `<term>\0<id>`: a lower-cased email
 * or name, NUL, the 24-hex id. Redis orders members of equal score bytewise, so a prefix is one
 * ZRANGEBYLEX range, ordered by term, then id.
 */

const ID_LENGTH = 24;
const ID = /^[0-9a-f]{24}$/;
const SEARCH_CURSOR_PREFIX = 's.';

/** What the docs hash holds for a user: version, terms (to remove them on change) and the DTO. */
export interface IndexedUser {
  /** `updatedAt` in ms: an older copy never replaces a newer one. */
  v: number;
  t: string[];
  u: UserDto;
}

/** What it holds for a deleted user: a stale write arriving late cannot bring it back. */
export interface DeletedUser {
  v: number;
  gone: true;
}

/**
 * Lone UTF-16 surrogates replaced by U+FFFD, as a UTF-8 encoder (and the database) would: Redis'
 * Lua JSON decoder refuses them, and ioredis would send them as U+FFFD anyway.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A user's search terms: the lower-cased email and name, once each. */
export function termsOf(user: Pick<UserDto, 'email' | 'name'>): string[] {
  return [...new Set([searchTerm(user.email), searchTerm(user.name)])];
}

/** A term or a `q` prefix as the index compares it. */
export function searchTerm(text: string): string {
  return wellFormed(text.toLowerCase());
}

export function encodeMember(term: string, id: string): string {
  return `${term}\0${id}`;
}

/** The term and id of a member, or null for anything that is not one. */
export function decodeMember(member: string): { term: string; id: string } | null {
  const separator = member.length - ID_LENGTH - 1;
  if (separator < 1 || member[separator] !== '\0') return null;
  const id = member.slice(separator + 1);
  return ID.test(id) ? { term: member.slice(0, separator), id } : null;
}

/** The docs-hash value of a user (strings made well-formed, so Lua's JSON decoder reads it). */
export function indexedUser(user: UserDto): IndexedUser {
  const safe = JSON.parse(JSON.stringify(user, (_key, value: unknown) => (typeof value === 'string' ? wellFormed(value) : value))) as UserDto;
  return { v: Date.parse(user.updatedAt), t: termsOf(safe), u: safe };
}

/**
 * The user a member lists for `prefix`, or null when the member is skipped: its doc is missing,
 * deleted, or no longer has that term (a stale member), or it is the name of a user whose email
 * also starts with the prefix, so a user matching both ways appears once, at its email.
 */
export function listedUser(member: string, rawDoc: string | null, prefix: string): UserDto | null {
  const entry = decodeMember(member);
  if (!entry || !rawDoc) return null;
  let doc: IndexedUser | DeletedUser;
  try {
    doc = JSON.parse(rawDoc) as IndexedUser | DeletedUser;
  } catch {
    return null;
  }
  if ('gone' in doc || !doc.t?.includes(entry.term) || doc.u?.id !== entry.id) return null;
  const email = searchTerm(doc.u.email);
  if (entry.term !== email && email.startsWith(prefix)) return null;
  return doc.u;
}

export function isSearchCursor(cursor: string): boolean {
  return cursor.startsWith(SEARCH_CURSOR_PREFIX);
}

/** The cursor after `member`: `s.` and its base64url form (ListUsersQueryDto checks the shape). */
export function encodeSearchCursor(member: string): string {
  return `${SEARCH_CURSOR_PREFIX}${Buffer.from(member, 'utf8').toString('base64url')}`;
}

/**
 * The member a search cursor stands for, or null when it is not one this index issued for this
 * prefix: it must decode to a member, exactly (no other bytes, nothing dropped), whose term
 * starts with the prefix, so a cursor can only move forward within its own search.
 */
export function decodeSearchCursor(cursor: string, prefix: string): string | null {
  if (!isSearchCursor(cursor)) return null;
  const encoded = cursor.slice(SEARCH_CURSOR_PREFIX.length);
  const member = Buffer.from(encoded, 'base64url').toString('utf8');
  if (Buffer.from(member, 'utf8').toString('base64url') !== encoded) return null;
  const entry = decodeMember(member);
  return entry && entry.term.startsWith(prefix) ? member : null;
}

/**
 * The page of the first `limit` users listed, and its cursor when more were found (`found` holds
 * up to `limit + 1`, in member order).
 */
export function searchPage(found: { member: string; user: UserDto }[], limit: number): Page<UserDto> {
  const items = found.slice(0, limit);
  return { items: items.map((entry) => entry.user), nextCursor: found.length > limit ? encodeSearchCursor(items[items.length - 1].member) : null };
}

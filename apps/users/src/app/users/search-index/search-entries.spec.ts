import type { UserDto } from '@site11/contracts';
import {
  decodeMember,
  decodeSearchCursor,
  encodeMember,
  encodeSearchCursor,
  indexedUser,
  isSearchCursor,
  listedUser,
  searchPage,
  termsOf,
  wellFormed,
} from './search-entries';

const ID = '665f1c2e8b3e4a0012345678';

function user(overrides: Partial<UserDto> = {}): UserDto {
  return {
    id: ID,
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    roles: ['user'],
    emailVerified: false,
    mfaEnabled: false,
    profile: {},
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    ...overrides,
  };
}

const doc = (u: UserDto) => JSON.stringify(indexedUser(u));

describe('search index members', () => {
  it('indexes a user under its lower-cased email and name, once when they are the same', () => {
    expect(termsOf(user({ name: 'Ada LOVELACE' }))).toEqual(['ada@example.com', 'ada lovelace']);
    expect(termsOf(user({ email: 'ada@example.com', name: 'ADA@example.com' }))).toEqual(['ada@example.com']);
  });

  it('encodes a member as term, NUL, id, and decodes it back even when the term holds a NUL', () => {
    expect(encodeMember('ada', ID)).toBe(`ada\0${ID}`);
    expect(decodeMember(`ada\0${ID}`)).toEqual({ term: 'ada', id: ID });
    expect(decodeMember(`a\0b\0${ID}`)).toEqual({ term: 'a\0b', id: ID });
  });

  it('refuses as a member anything without a term, a NUL or a 24-hex id', () => {
    for (const member of ['', ID, `\0${ID}`, `ada ${ID}`, `ada\0${ID.toUpperCase()}`, `ada\0${ID.slice(1)}`]) expect(decodeMember(member)).toBeNull();
  });

  it('sorts members by term, then id, as Redis compares their bytes', () => {
    const members = [encodeMember('ada b', 'f'.repeat(24)), encodeMember('ada', 'b'.repeat(24)), encodeMember('ada', 'a'.repeat(24)), encodeMember('adam', '0'.repeat(24))];
    const bytewise = [...members].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(bytewise.map((m) => decodeMember(m))).toEqual([
      { term: 'ada', id: 'a'.repeat(24) },
      { term: 'ada', id: 'b'.repeat(24) },
      { term: 'ada b', id: 'f'.repeat(24) },
      { term: 'adam', id: '0'.repeat(24) },
    ]);
  });

  it('keeps the version, the terms and the DTO, with lone surrogates made well-formed', () => {
    const indexed = indexedUser(user({ name: 'Bad \ud800 name', profile: { bio: 'x\udc00' } }));
    expect(indexed.v).toBe(Date.parse('2025-01-02T00:00:00.000Z'));
    expect(indexed.t).toEqual(['ada@example.com', 'bad \ufffd name']);
    expect(indexed.u).toMatchObject({ name: 'Bad \ufffd name', profile: { bio: 'x\ufffd' } });
    expect(wellFormed('pair \ud83d\ude00 kept')).toBe('pair \ud83d\ude00 kept');
  });
});

describe('listing a member for a prefix', () => {
  it('lists the user of a member whose term the user still has', () => {
    expect(listedUser(`ada lovelace\0${ID}`, doc(user({ email: 'lovelace@example.com' })), 'ada')).toMatchObject({ id: ID });
  });

  it('lists a user matching by email and by name once, at the email', () => {
    const both = doc(user());
    expect(listedUser(`ada@example.com\0${ID}`, both, 'ada')).toMatchObject({ id: ID });
    expect(listedUser(`ada lovelace\0${ID}`, both, 'ada')).toBeNull();
    // a longer prefix the email does not start with lists the name
    expect(listedUser(`ada lovelace\0${ID}`, both, 'ada l')).toMatchObject({ id: ID });
  });

  it('skips a member whose doc is missing, deleted, unreadable, of another id, or without that term any more', () => {
    expect(listedUser(`ada\0${ID}`, null, 'ada')).toBeNull();
    expect(listedUser(`ada@example.com\0${ID}`, JSON.stringify({ v: 1, gone: true }), 'ada')).toBeNull();
    expect(listedUser(`ada@example.com\0${ID}`, '{not json', 'ada')).toBeNull();
    expect(listedUser(`ada@example.com\0${'0'.repeat(24)}`, doc(user()), 'ada')).toBeNull();
    expect(listedUser(`ada king\0${ID}`, doc(user()), 'ada')).toBeNull();
  });
});

describe('search cursors', () => {
  const member = encodeMember('ada lovelace', ID);

  it('round-trips the last member of a page, and is told apart from a list cursor', () => {
    const cursor = encodeSearchCursor(member);
    expect(cursor).toMatch(/^s\.[A-Za-z0-9_-]+$/);
    expect(isSearchCursor(cursor)).toBe(true);
    expect(isSearchCursor('ZmVycmV0ZGIxMjM0')).toBe(false);
    expect(decodeSearchCursor(cursor, 'ada')).toBe(member);
    expect(decodeSearchCursor(encodeSearchCursor(encodeMember('zoë', ID)), 'zo')).toBe(encodeMember('zoë', ID));
  });

  it('refuses a cursor of another prefix, one that is not a member, and one not in canonical form', () => {
    expect(decodeSearchCursor(encodeSearchCursor(member), 'bob')).toBeNull();
    expect(decodeSearchCursor(encodeSearchCursor('ada lovelace'), 'ada')).toBeNull();
    expect(decodeSearchCursor(`s.${Buffer.from([0xff, 0xfe, 0x00]).toString('base64url')}`, 'ada')).toBeNull();
    expect(decodeSearchCursor(`${encodeSearchCursor(member)}A`, 'ada')).toBeNull();
    expect(decodeSearchCursor('ZmVycmV0ZGIxMjM0', 'ada')).toBeNull();
  });

  it('makes a page of the first limit users, with a cursor at the last one only when more were found', () => {
    const found = ['a', 'b', 'c'].map((id) => ({ member: encodeMember('ada', id.repeat(24)), user: user({ id: id.repeat(24) }) }));
    const full = searchPage(found, 2);
    expect(full.items.map((u) => u.id)).toEqual(['a'.repeat(24), 'b'.repeat(24)]);
    expect(decodeSearchCursor(full.nextCursor as string, 'ada')).toBe(found[1].member);
    expect(searchPage(found, 3)).toEqual({ items: found.map((f) => f.user), nextCursor: null });
    expect(searchPage([], 20)).toEqual({ items: [], nextCursor: null });
  });
});

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './users.dto';

function check<T extends object>(cls: new () => T, plain: object) {
  const instance = plainToInstance(cls, plain);
  return { instance, fields: validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property) };
}

describe('users DTOs', () => {
  it('normalises the email to trimmed lower case and trims the name', () => {
    const { instance, fields } = check(CreateUserDto, { email: '  Ada@Example.COM ', name: '  Ada  ' });
    expect(fields).toEqual([]);
    expect(instance).toMatchObject({ email: 'ada@example.com', name: 'Ada' });
  });

  it('rejects operators where strings are expected instead of passing them on', () => {
    const { fields } = check(CreateUserDto, { email: { $ne: null }, name: { $gt: '' } });
    expect(fields.sort()).toEqual(['email', 'name']);
  });

  it('rejects a blank name after trimming', () => {
    expect(check(CreateUserDto, { email: 'a@b.co', name: '   ' }).fields).toEqual(['name']);
  });

  it('converts the page limit from the query string and bounds it', () => {
    expect(check(ListUsersQueryDto, { limit: '25' }).instance.limit).toBe(25);
    expect(check(ListUsersQueryDto, { limit: '0' }).fields).toEqual(['limit']);
    expect(check(ListUsersQueryDto, { limit: '101' }).fields).toEqual(['limit']);
  });

  it('accepts a list cursor and a search cursor, and refuses anything else as cursor', () => {
    expect(check(ListUsersQueryDto, { cursor: 'ZmVycmV0ZGIxMjM0' }).fields).toEqual([]);
    expect(check(ListUsersQueryDto, { q: 'ada', cursor: `s.${Buffer.from('ada@example.com\u0000665f1c2e8b3e4a0012345678').toString('base64url')}` }).fields).toEqual([]);
    for (const cursor of ['not-a-cursor', 's.', 's.a$b', `s.${'a'.repeat(1501)}`, 'x.ZmVycmV0ZGIxMjM0', { $ne: null }]) {
      expect([cursor, check(ListUsersQueryDto, { q: 'ada', cursor }).fields]).toEqual([cursor, ['cursor']]);
    }
  });

  it('rejects an operator object as q', () => {
    expect(check(ListUsersQueryDto, { q: { $ne: null } }).fields).toEqual(['q']);
  });

  it('bounds every free-text profile field, the locale included, so a profile stays under 4 KiB', () => {
    expect(check(UpdateUserDto, { profile: { locale: `en${'-abcdefgh'.repeat(30)}` } }).fields).toEqual(['profile']);
    const longest = {
      displayName: 'd'.repeat(100),
      bio: 'b'.repeat(1000),
      avatarUrl: `https://example.com/${'a'.repeat(2020)}`,
      locale: `en${'-abcdefgh'.repeat(3)}-abc`,
      timezone: 'America/Argentina/Buenos_Aires',
    };
    expect(check(UpdateUserDto, { profile: longest }).fields).toEqual([]);
    expect(JSON.stringify(longest).length).toBeLessThan(4096);
  });

  it('validates nested profile fields', () => {
    expect(check(UpdateUserDto, { profile: { avatarUrl: 'javascript:alert(1)' } }).fields).toEqual(['profile']);
    expect(check(UpdateUserDto, { profile: { locale: 'en-GB', timezone: 'Europe/London' } }).fields).toEqual([]);
  });
});

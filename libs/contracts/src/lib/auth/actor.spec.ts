import { type Actor, isAdmin } from './auth.dto';

const SUB = '0123456789abcdef01234567';
const actor = (roles: Actor['roles']): Actor => ({ sub: SUB, roles });

describe('isAdmin', () => {
  it('is true for an actor holding the admin role', () => {
    expect(isAdmin(actor(['admin']))).toBe(true);
    expect(isAdmin(actor(['user', 'admin']))).toBe(true);
  });

  it('is false for an actor holding only the user role, or no role', () => {
    expect(isAdmin(actor(['user']))).toBe(false);
    expect(isAdmin(actor([]))).toBe(false);
  });

  it('is false when there is no actor', () => {
    expect(isAdmin(undefined)).toBe(false);
    expect(isAdmin(null)).toBe(false);
  });
});

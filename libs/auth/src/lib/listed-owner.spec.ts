import { listedOwner } from './listed-owner';

const user = { sub: '665f1c2e8b3e4a0012345679', roles: ['user' as const] };
const admin = { sub: '665f1c2e8b3e4a0012345678', roles: ['user' as const, 'admin' as const] };

describe('listedOwner', () => {
  it('lists the caller’s own by default, anyone’s or one user’s only for an admin', () => {
    expect(listedOwner({}, user, 'things')).toBe(user.sub);
    expect(listedOwner({ scope: 'mine' }, user, 'things')).toBe(user.sub);
    expect(listedOwner({ scope: 'all' }, admin, 'things')).toBeUndefined();
    expect(listedOwner({ ownerId: user.sub }, admin, 'things')).toBe(user.sub);
    expect(() => listedOwner({ scope: 'all' }, user, 'things')).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN', message: 'Only an admin can list other users’ things' }));
    expect(() => listedOwner({ ownerId: admin.sub }, user, 'things')).toThrow(expect.objectContaining({ code: 'AUTH.FORBIDDEN' }));
  });
});

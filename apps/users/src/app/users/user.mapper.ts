import type { UserDto } from '@site11/contracts';
import type { User } from './user.schema';

/** A user as queries read it: never the hash, the outbox or the idempotency marker. */
export type StoredUser = Omit<
  User,
  'passwordHash' | 'createdBy' | 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt' | 'totp' | 'totpPending'
>;

export function toUserDto(user: StoredUser): UserDto {
  return {
    id: user._id.toHexString(),
    email: user.email,
    name: user.name,
    roles: user.roles,
    // accounts created before these fields existed have neither
    emailVerified: user.emailVerified ?? false,
    mfaEnabled: user.mfaEnabled ?? false,
    profile: user.profile ?? {},
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

import type { UserDto } from '@site11/contracts';
import type { User } from './user.schema';

/** A user as queries read it: never the hash, the outbox or the idempotency marker. */
export type StoredUser = Omit<User, 'passwordHash' | 'createdBy' | 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt'>;

export function toUserDto(user: StoredUser): UserDto {
  return {
    id: user._id.toHexString(),
    email: user.email,
    name: user.name,
    roles: user.roles,
    profile: user.profile ?? {},
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

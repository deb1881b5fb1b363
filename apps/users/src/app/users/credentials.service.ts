import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type UserDto, UsersEvents, type VerifyCredentialsDto } from '@site11/contracts';
import { auditEvent, auditRecord, changeWithEvents, findLiveById, LIVE, outboxEvent, OutboxRelay } from '@site11/persistence';
import type { AuditedCall } from './account-recovery.service';
import { Model, Types } from 'mongoose';
import { PasswordHasher } from './password-hasher';
import { SearchIndexService } from './search-index/search-index.service';
import { User } from './user.schema';
import { type StoredUser, toUserDto } from './user.mapper';
import { InvalidCredentialsError } from './users.errors';

/** Passwords: checked for the token authority's login, changed by their owner. Hashes never leave this class. */
@Injectable()
export class CredentialsService {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly passwords: PasswordHasher,
    private readonly searchIndex: SearchIndexService,
    private readonly outbox: OutboxRelay,
  ) {}

  /** The user whose email and password match, else one error for every kind of miss. */
  async verify({ email, password }: VerifyCredentialsDto): Promise<UserDto> {
    const user = await this.users
      .findOne({ email, ...LIVE })
      .select('+passwordHash')
      .lean<StoredUser & { passwordHash?: string }>()
      .exec();
    const matches = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !matches) throw new InvalidCredentialsError();
    const { passwordHash: _hash, ...rest } = user;
    return toUserDto(rest);
  }

  /** Whether this live account's password is `password` (no error for a miss). */
  async matches(id: Types.ObjectId, password: string): Promise<boolean> {
    const user = await findLiveById<{ passwordHash?: string }>(this.users, id, '+passwordHash');
    return this.passwords.verify(user?.passwordHash, password);
  }

  /** Proves the owner's password (the same error for every miss); answers whether TOTP is on too. */
  async check(id: string, password: string): Promise<boolean> {
    const user = await findLiveById<{ passwordHash?: string; mfaEnabled?: boolean }>(this.users, new Types.ObjectId(id), '+passwordHash');
    if (!(await this.passwords.verify(user?.passwordHash, password)) || !user) throw new InvalidCredentialsError();
    return user.mfaEnabled ?? false;
  }

  /**
   * Sets a new password for a user who proved the current one (the same error for every miss),
   * with `users.password.changed`, on which the owner is told by mail.
   */
  async change(id: string, currentPassword: string, newPassword: string, call: AuditedCall): Promise<void> {
    const _id = new Types.ObjectId(id);
    if (!(await this.matches(_id, currentPassword))) throw new InvalidCredentialsError();
    const passwordHash = await this.passwords.hash(newPassword);
    const events = [
      outboxEvent(UsersEvents.passwordChanged, { id, via: 'change' }, call.requestId),
      auditEvent('users', auditRecord(call, { actor: id, action: 'auth.password.changed', target: `user:${id}` }), call.requestId),
    ];
    await this.users.updateOne({ _id, ...LIVE }, changeWithEvents(events, { passwordHash })).exec();
    // the indexed copy of the user carries updatedAt
    await this.searchIndex.changed(id);
    await this.outbox.publishOrDefer(this.users, _id);
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type CreateUserDto,
  isAdmin,
  type UpdateUserCommand,
  type UserChangedField,
  type UserDto,
  type UserRole,
  UsersEvents,
} from '@site11/contracts';
import {
  type AuditedAction,
  auditEvent,
  auditRecord,
  changeWithEvents,
  findLiveById,
  isDuplicateKey,
  LIVE,
  type OutboxEvent,
  outboxEvent,
  OutboxRelay,
  withOutbox,
} from '@site11/persistence';
import { Model, Types } from 'mongoose';
import type { AuditedCall } from './account-recovery.service';
import { PasswordHasher } from './password-hasher';
import { SearchIndexService } from './search-index/search-index.service';
import { User } from './user.schema';
import { type StoredUser, toUserDto } from './user.mapper';
import { forbidden } from '@site11/auth';
import { EmailTakenError, UserNotFoundError } from './users.errors';

export interface CreateOptions {
  roles?: UserRole[];
  /** The command's scoped idempotency key, kept on the user (`createdBy`) so a rerun finds it. */
  idempotencyKey?: string;
  requestId?: string;
  /** The address is known to be the owner's (the seeded admin): no verification mail. */
  emailVerified?: boolean;
}

/**
 * The life of an account: created with its `users.created` event, read, edited (name and
 * profile with `users.updated`, roles by admins with `users.roles-changed`), deleted with
 * `users.deleted`. Each change and its events are one write; the outbox relay publishes them
 * after it. Each change is also applied to the search index before the method returns. A
 * database outage leaves every method as SERVICE_UNAVAILABLE (PersistenceModule's interceptor),
 * so none wraps its queries.
 */
@Injectable()
export class AccountsService implements OnModuleInit {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly passwords: PasswordHasher,
    private readonly outbox: OutboxRelay,
    private readonly searchIndex: SearchIndexService,
  ) {}

  /** Indexes must exist before the first write, or the unique email constraint is not enforced. */
  async onModuleInit(): Promise<void> {
    await this.users.init();
    this.outbox.watch(this.users);
  }

  /**
   * Creates a user and its `users.created` event in one insert, then publishes the event. With an
   * idempotency key, a command delivered again (its first run crashed after the insert) finds its
   * own user and returns it instead of a 409.
   */
  async create(dto: CreateUserDto, options: CreateOptions = {}): Promise<UserDto> {
    const passwordHash = dto.password ? await this.passwords.hash(dto.password) : undefined;
    const _id = new Types.ObjectId();
    const roles = options.roles ?? ['user'];
    const event = outboxEvent(
      UsersEvents.created,
      { id: _id.toHexString(), email: dto.email.trim().toLowerCase(), roles },
      options.requestId ?? 'users',
    );
    let user: UserDto;
    try {
      const created = await this.users.create({
        _id,
        email: dto.email,
        name: dto.name,
        nameLower: dto.name.toLowerCase(),
        roles,
        emailVerified: options.emailVerified ?? false,
        ...(passwordHash ? { passwordHash } : {}),
        ...(options.idempotencyKey ? { createdBy: options.idempotencyKey } : {}),
        ...withOutbox(event),
      });
      const { passwordHash: _hash, createdBy: _by, outbox: _outbox, outboxAt: _at, outboxLast: _last, ...stored } = created.toObject();
      user = toUserDto(stored);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const replayed = options.idempotencyKey && (await this.createdBy(dto.email, options.idempotencyKey));
      if (!replayed) throw new EmailTakenError();
      // the first run may have died before it indexed the user
      await this.searchIndex.saved(replayed);
      await this.outbox.publishOrDefer(this.users, new Types.ObjectId(replayed.id));
      return replayed;
    }
    await this.searchIndex.saved(user);
    await this.outbox.publishOrDefer(this.users, _id, [event]);
    return user;
  }

  /** The live account with this email that a command under this key created, if any. */
  async createdBy(email: string, idempotencyKey: string): Promise<UserDto | null> {
    const user = await this.users.findOne({ email, createdBy: idempotencyKey, ...LIVE }).lean<StoredUser>().exec();
    return user ? toUserDto(user) : null;
  }

  async findById(id: string): Promise<UserDto> {
    // by `_id` alone: the one read FerretDB does not turn into a scan (findLiveById)
    const user = await findLiveById<StoredUser>(this.users, new Types.ObjectId(id));
    if (!user) throw new UserNotFoundError(id);
    return toUserDto(user);
  }

  /** Adds the admin role (idempotent); used by the first-admin seed, whose address is the operator's. */
  async grantAdmin(id: Types.ObjectId): Promise<void> {
    await this.users.updateOne({ _id: id }, { $addToSet: { roles: 'admin' }, $set: { emailVerified: true } }).exec();
    await this.searchIndex.changed(id.toHexString());
  }

  /**
   * Renames, edits the profile, or (admins) sets roles. A roles change is written with its
   * `users.roles-changed` event in the same update; when roles were taken away, the token
   * authority ends the user's sessions, even if this instance dies right after the write. A name
   * or profile change is written with `users.updated` (the fields set), so readers that keep
   * users (the search index, caches) hear of it.
   */
  async update(command: UpdateUserCommand, actor: Actor | undefined, call: AuditedCall): Promise<UserDto> {
    const { requestId } = call;
    const set: Record<string, unknown> = {};
    if (command.roles !== undefined) {
      // The gateway already checks this; a service never trusts that it was asked correctly.
      if (!isAdmin(actor)) throw forbidden('Only an admin can change roles');
      set['roles'] = [...new Set(command.roles)];
    }
    if (command.name !== undefined) {
      set['name'] = command.name;
      set['nameLower'] = command.name.toLowerCase();
    }
    const changed: UserChangedField[] = command.name === undefined ? [] : ['name'];
    for (const [field, value] of Object.entries(command.profile ?? {})) {
      if (value !== undefined) set[`profile.${field}`] = value;
    }
    if (Object.keys(set).some((field) => field.startsWith('profile.'))) changed.push('profile');
    if (Object.keys(set).length === 0) return this.findById(command.id);
    const _id = new Types.ObjectId(command.id);
    const events: OutboxEvent[] = [];
    if (command.roles !== undefined) {
      const rolesChanged = await this.rolesChange(_id, set['roles'] as UserRole[], requestId);
      if (rolesChanged) {
        events.push(rolesChanged, auditEvent('users', auditRecord(call, { actor: actor?.sub ?? null, action: 'users.roles.changed', target: `user:${command.id}` }), requestId));
      }
    }
    if (changed.length > 0) events.push(outboxEvent(UsersEvents.updated, { id: command.id, changed }, requestId));
    // updateOne + read rather than findOneAndUpdate: FerretDB does not implement projections in
    // findAndModify, and the hash must stay unselected. The update itself is atomic.
    const { matchedCount } = await this.users.updateOne({ _id, ...LIVE }, changeWithEvents(events, set), { runValidators: true }).exec();
    if (matchedCount === 0) throw new UserNotFoundError(command.id);
    if (events.length > 0) await this.outbox.publishOrDefer(this.users, _id);
    const user = await this.findById(command.id);
    await this.searchIndex.saved(user);
    return user;
  }

  /** The `users.roles-changed` event of setting these roles, or null when they are what the user has. */
  private async rolesChange(_id: Types.ObjectId, roles: UserRole[], requestId: string) {
    const before = await this.users.findOne({ _id, ...LIVE }).select('roles').lean<{ roles: UserRole[] }>().exec();
    if (!before) throw new UserNotFoundError(_id.toHexString());
    const removed = before.roles.filter((role) => !roles.includes(role));
    const added = roles.filter((role) => !before.roles.includes(role));
    if (removed.length === 0 && added.length === 0) return null;
    return outboxEvent(UsersEvents.rolesChanged, { id: _id.toHexString(), roles, removed }, requestId);
  }

  /**
   * Marks the account deleted and records `users.deleted` in one update, then publishes the event,
   * which also removes the document. A crash in between loses nothing: the outbox sweep finishes.
   */
  async remove(id: string, call: AuditedCall, audited: Pick<AuditedAction, 'actor' | 'action'>): Promise<void> {
    const _id = new Types.ObjectId(id);
    const event = outboxEvent(UsersEvents.deleted, { id }, call.requestId);
    const audit = auditEvent('users', auditRecord(call, { ...audited, target: `user:${id}` }), call.requestId);
    // the record first: `users.deleted` stays the last event, which the relay deletes the document after
    const { matchedCount } = await this.users.updateOne({ _id, ...LIVE }, changeWithEvents([audit, event], { deletedAt: event.occurredAt })).exec();
    // a redelivered delete whose first run crashed before publishing finds its own tombstone
    if (matchedCount === 0 && !(await this.users.exists({ _id, deletedAt: { $exists: true } }))) throw new UserNotFoundError(id);
    await this.searchIndex.deleted(id);
    // from the document: an earlier event still waiting there goes out first, in order
    await this.outbox.publishOrDefer(this.users, _id);
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  CommonErrors,
  type CreateUserDto,
  DomainError,
  ErrorKind,
  type ListUsersQueryDto,
  type Page,
  type Actor,
  type UpdateUserCommand,
  type UserDto,
  type UserRole,
  UsersEvents,
  type VerifyCredentialsDto,
  USERS_PAGE_DEFAULT_LIMIT,
} from '@site11/contracts';

import { type FilterQuery, Model, Types } from 'mongoose';
import { PasswordHasher } from './password-hasher';
import { User } from './user.schema';
import { decodeCursor, encodeCursor, OutboxRelay, outboxEvent, pushOutbox, withOutbox } from '@site11/persistence';
import {
  EmailTakenError,
  InvalidCredentialsError,
  InvalidCursorError,
  RoleChangeForbiddenError,
  UserNotFoundError,
} from './users.errors';

type StoredUser = Omit<User, 'passwordHash' | 'createdBy' | 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt'>;

/** `createdBy` of the account the first-admin seed created: only that one it may promote blindly. */
const ADMIN_SEED_MARKER = 'seed:first-admin';

/** Boot stops with this: the configured admin address belongs to someone else. */
export class AdminSeedRefusedError extends Error {}

/** Deleted accounts wait as tombstones until their event is published; no query sees them. */
const LIVE = { deletedAt: { $exists: false } } as const;

function toDto(user: StoredUser): UserDto {
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

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Network and server-selection failures mean the database is down, not that the request is bad. */
function isDatabaseUnavailable(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && /^Mongo(ServerSelection|Network|NotConnected|Topology)/.test(name);
}

@Injectable()
export class UsersService implements OnModuleInit {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    private readonly passwords: PasswordHasher,
    private readonly outbox: OutboxRelay,
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
  async create(
    dto: CreateUserDto,
    options: { roles?: UserRole[]; idempotencyKey?: string; requestId?: string } = {},
  ): Promise<UserDto> {
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
        ...(passwordHash ? { passwordHash } : {}),
        ...(options.idempotencyKey ? { createdBy: options.idempotencyKey } : {}),
        ...withOutbox(event),
      });
      const { passwordHash: _hash, createdBy: _by, outbox: _outbox, outboxAt: _at, outboxLast: _last, ...stored } = created.toObject();
      user = toDto(stored);
    } catch (error) {
      const replayed = options.idempotencyKey && isDuplicateKey(error) && (await this.createdBy(dto.email, options.idempotencyKey));
      if (!replayed) throw this.translate(error, () => new EmailTakenError());
      await this.outbox.publishOrDefer(this.users, new Types.ObjectId(replayed.id));
      return replayed;
    }
    await this.outbox.publishOrDefer(this.users, _id, [event]);
    return user;
  }

  private async createdBy(email: string, idempotencyKey: string): Promise<UserDto | null> {
    const user = await this.users.findOne({ email, createdBy: idempotencyKey, ...LIVE }).lean<StoredUser>().exec();
    return user ? toDto(user) : null;
  }

  async findById(id: string): Promise<UserDto> {
    const user = await this.run(() => this.users.findOne({ _id: new Types.ObjectId(id), ...LIVE }).lean<StoredUser>().exec());
    if (!user) throw new UserNotFoundError(id);
    return toDto(user);
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const limit = query.limit ?? USERS_PAGE_DEFAULT_LIMIT;
    const conditions: FilterQuery<User>[] = [LIVE];
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      if (!after) throw new InvalidCursorError();
      conditions.push({ _id: { $gt: after } });
    }
    if (query.q) {
      // A prefix as a range: what an anchored regex becomes in MongoDB's index scan, and what
      // FerretDB (no regex pushdown) evaluates about twice as fast as the regex.
      const prefix = query.q.toLowerCase();
      const range = { $gte: prefix, $lt: `${prefix}\uffff` };
      conditions.push({ $or: [{ email: range }, { nameLower: range }] });
    }
    const filter = conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : { $and: conditions };
    const found = await this.run(() =>
      this.users
        .find(filter)
        .sort({ _id: 1 })
        .limit(limit + 1)
        .lean<StoredUser[]>()
        .exec(),
    );
    const items = found.slice(0, limit);
    const nextCursor = found.length > limit ? encodeCursor(items[items.length - 1]._id) : null;
    return { items: items.map(toDto), nextCursor };
  }

  /** The user whose email and password match, else one error for every kind of miss. */
  async verifyCredentials({ email, password }: VerifyCredentialsDto): Promise<UserDto> {
    const user = await this.run(() =>
      this.users.findOne({ email, ...LIVE }).select('+passwordHash').lean<StoredUser & { passwordHash?: string }>().exec(),
    );
    const matches = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !matches) throw new InvalidCredentialsError();
    const { passwordHash: _hash, ...rest } = user;
    return toDto(rest);
  }

  /** Sets a new password for a user who proved the current one; the same error for every miss. */
  async changePassword(id: string, currentPassword: string, newPassword: string): Promise<void> {
    const _id = new Types.ObjectId(id);
    const user = await this.run(() =>
      this.users.findOne({ _id, ...LIVE }).select('+passwordHash').lean<{ passwordHash?: string }>().exec(),
    );
    const matches = await this.passwords.verify(user?.passwordHash, currentPassword);
    if (!user || !matches) throw new InvalidCredentialsError();
    const passwordHash = await this.passwords.hash(newPassword);
    await this.run(() => this.users.updateOne({ _id, ...LIVE }, { $set: { passwordHash } }).exec());
  }

  /**
   * Makes sure the configured admin exists and is an admin. Safe to run on every start and from
   * several replicas at once: the unique email index decides which insert wins, and the role is
   * added with $addToSet. An existing account is promoted only if the seed created it or its
   * password is ADMIN_PASSWORD: otherwise whoever registered the address first would become
   * admin with their own password. An existing password is never overwritten.
   */
  async ensureAdmin(email: string, password: string): Promise<void> {
    const normalized = email.trim().toLowerCase();
    try {
      // created now, or found as the seed's own from an earlier start (it may have been demoted)
      const admin = await this.create(
        { email: normalized, name: 'Administrator', password },
        { roles: ['user', 'admin'], idempotencyKey: ADMIN_SEED_MARKER },
      );
      await this.users.updateOne({ _id: new Types.ObjectId(admin.id) }, { $addToSet: { roles: 'admin' } }).exec();
      return;
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
    }
    const existing = await this.users
      .findOne({ email: normalized, ...LIVE })
      .select('+passwordHash +createdBy')
      .lean<{ _id: Types.ObjectId; passwordHash?: string; createdBy?: string }>()
      .exec();
    if (!existing) throw new Error(`The account ${normalized} is being deleted; start again to create the first admin`);
    const ours = existing.createdBy === ADMIN_SEED_MARKER || (await this.passwords.verify(existing.passwordHash, password));
    if (!ours) {
      throw new AdminSeedRefusedError(
        `ADMIN_EMAIL ${normalized} belongs to an account the seed did not create and whose password is not ADMIN_PASSWORD; ` +
          'refusing to make it admin. Choose another ADMIN_EMAIL, or delete that account first.',
      );
    }
    await this.users.updateOne({ _id: existing._id }, { $addToSet: { roles: 'admin' } }).exec();
  }

  /**
   * Renames, edits the profile, or (admins) sets roles. A roles change is written with its
   * `users.roles-changed` event in the same update; when roles were taken away, the token
   * authority ends the user's sessions, even if this instance dies right after the write.
   */
  async update(command: UpdateUserCommand, actor?: Actor, requestId = 'users'): Promise<UserDto> {
    const set: Record<string, unknown> = {};
    if (command.roles !== undefined) {
      // The gateway already checks this; a service never trusts that it was asked correctly.
      if (!actor?.roles.includes('admin')) throw new RoleChangeForbiddenError();
      set['roles'] = [...new Set(command.roles)];
    }
    if (command.name !== undefined) {
      set['name'] = command.name;
      set['nameLower'] = command.name.toLowerCase();
    }
    for (const [field, value] of Object.entries(command.profile ?? {})) {
      if (value !== undefined) set[`profile.${field}`] = value;
    }
    if (Object.keys(set).length > 0) {
      const _id = new Types.ObjectId(command.id);
      const event = command.roles === undefined ? null : await this.rolesChange(_id, set['roles'] as UserRole[], requestId);
      // updateOne + read rather than findOneAndUpdate: FerretDB does not implement projections in
      // findAndModify, and the hash must stay unselected. The update itself is atomic.
      const { matchedCount } = await this.run(() =>
        this.users.updateOne({ _id, ...LIVE }, event ? pushOutbox(event, set) : { $set: set }, { runValidators: true }).exec(),
      );
      if (matchedCount === 0) throw new UserNotFoundError(command.id);
      if (event) await this.outbox.publishOrDefer(this.users, _id);
    }
    return this.findById(command.id);
  }

  /** The `users.roles-changed` event of setting these roles, or null when they are what the user has. */
  private async rolesChange(_id: Types.ObjectId, roles: UserRole[], requestId: string) {
    const before = await this.run(() => this.users.findOne({ _id, ...LIVE }).select('roles').lean<{ roles: UserRole[] }>().exec());
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
  async remove(id: string, requestId = 'users'): Promise<void> {
    const _id = new Types.ObjectId(id);
    const event = outboxEvent(UsersEvents.deleted, { id }, requestId);
    const { matchedCount } = await this.run(() =>
      this.users.updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt })).exec(),
    );
    // a redelivered delete whose first run crashed before publishing finds its own tombstone
    if (matchedCount === 0 && !(await this.users.exists({ _id, deletedAt: { $exists: true } }))) throw new UserNotFoundError(id);
    // from the document: an earlier event still waiting there goes out first, in order
    await this.outbox.publishOrDefer(this.users, _id);
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw this.translate(error);
    }
  }

  private translate(error: unknown, onDuplicate?: () => DomainError): unknown {
    if (onDuplicate && isDuplicateKey(error)) return onDuplicate();
    if (isDatabaseUnavailable(error)) {
      return new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'The users database is not available');
    }
    return error;
  }
}

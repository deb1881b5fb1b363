import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LIVE } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { UsersConfig } from '../users.config';
import { AccountsService } from './accounts.service';
import { CredentialsService } from './credentials.service';
import { User } from './user.schema';
import { EmailTakenError } from './users.errors';

/** `createdBy` of the account the first-admin seed created: only that one it may promote blindly. */
const ADMIN_SEED_MARKER = 'seed:first-admin';

/** Boot stops with this: the configured admin address belongs to someone else. */
export class AdminSeedRefusedError extends Error {}

/** Creates or promotes the admin named by ADMIN_EMAIL / ADMIN_PASSWORD when the service starts. */
@Injectable()
export class AdminSeed implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeed.name);

  constructor(
    private readonly config: UsersConfig,
    private readonly accounts: AccountsService,
    private readonly credentials: CredentialsService,
    @InjectModel(User.name) private readonly users: Model<User>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    await this.ensureAdmin(email, password);
    this.logger.log(`Admin account ${email} is in place`);
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
      const admin = await this.accounts.create(
        { email: normalized, name: 'Administrator', password },
        { roles: ['user', 'admin'], idempotencyKey: ADMIN_SEED_MARKER, emailVerified: true },
      );
      await this.accounts.grantAdmin(new Types.ObjectId(admin.id));
      return;
    } catch (error) {
      if (!(error instanceof EmailTakenError)) throw error;
    }
    const existing = await this.users
      .findOne({ email: normalized, ...LIVE })
      .select('+createdBy')
      .lean<{ _id: Types.ObjectId; createdBy?: string }>()
      .exec();
    if (!existing) throw new Error(`The account ${normalized} is being deleted; start again to create the first admin`);
    const ours = existing.createdBy === ADMIN_SEED_MARKER || (await this.credentials.matches(existing._id, password));
    if (!ours) {
      throw new AdminSeedRefusedError(
        `ADMIN_EMAIL ${normalized} belongs to an account the seed did not create and whose password is not ADMIN_PASSWORD; ` +
          'refusing to make it admin. Choose another ADMIN_EMAIL, or delete that account first.',
      );
    }
    await this.accounts.grantAdmin(existing._id);
  }
}

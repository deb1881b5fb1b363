import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { UsersConfig } from '../users.config';
import { UsersService } from './users.service';

/** Creates or promotes the admin named by ADMIN_EMAIL / ADMIN_PASSWORD when the service starts. */
@Injectable()
export class AdminSeed implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminSeed.name);

  constructor(
    private readonly config: UsersConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL: email, ADMIN_PASSWORD: password } = this.config;
    if (!email || !password) return;
    await this.users.ensureAdmin(email, password);
    this.logger.log(`Admin account ${email} is in place`);
  }
}

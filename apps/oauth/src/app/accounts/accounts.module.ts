import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { UsersClientModule } from '../users/users.client.module';
import { AccountsMessageController } from './accounts.message.controller';

@Module({
  imports: [UsersClientModule, SessionsModule],
  controllers: [AccountsMessageController],
})
export class AccountsModule {}

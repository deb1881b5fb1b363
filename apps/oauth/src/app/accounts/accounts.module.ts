import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { UsersClientModule } from '../users/users-client.module';
import { AccountsMessageController } from './accounts.message.controller';

@Module({
  imports: [UsersClientModule, TokensModule],
  controllers: [AccountsMessageController],
})
export class AccountsModule {}

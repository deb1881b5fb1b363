import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { UsersClient } from './users.client';

@Module({
  imports: [KeysModule],
  providers: [UsersClient],
  exports: [UsersClient],
})
export class UsersClientModule {}

import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccountsService } from './accounts.service';
import { AdminSeed } from './admin-seed';
import { CredentialsService } from './credentials.service';
import { DirectoryService } from './directory.service';
import { PasswordHasher } from './password-hasher';
import { User, UserSchema } from './user.schema';
import { UsersMessageController } from './users.message.controller';

@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }])],
  controllers: [UsersMessageController],
  providers: [AccountsService, CredentialsService, DirectoryService, PasswordHasher, AdminSeed],
})
export class UsersModule {}

import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AdminSeed } from './admin-seed';
import { PasswordHasher } from './password-hasher';
import { User, UserSchema } from './user.schema';
import { UsersMessageController } from './users.message.controller';
import { UsersService } from './users.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: User.name, schema: UserSchema }])],
  controllers: [UsersMessageController],
  providers: [UsersService, PasswordHasher, AdminSeed],
})
export class UsersModule {}

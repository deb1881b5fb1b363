import { Module } from '@nestjs/common';
import { UsersHttpController } from './users.http.controller';

@Module({ controllers: [UsersHttpController] })
export class UsersHttpModule {}

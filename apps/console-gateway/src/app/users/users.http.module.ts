import { Module } from '@nestjs/common';
import { AdminReads } from '../http/admin-reads';
import { UsersHttpController } from './users.http.controller';

@Module({ controllers: [UsersHttpController], providers: [AdminReads] })
export class UsersHttpModule {}

import { Module } from '@nestjs/common';
import { RateLimitGuard } from '../http/rate-limit.guard';
import { AuthHttpController } from './auth.http.controller';
import { WellKnownController } from './well-known.controller';

@Module({ controllers: [AuthHttpController, WellKnownController], providers: [RateLimitGuard] })
export class AuthHttpModule {}

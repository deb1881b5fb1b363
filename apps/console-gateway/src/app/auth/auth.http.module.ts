import { Module } from '@nestjs/common';
import { RateLimitInterceptor } from '../http/rate-limit.interceptor';
import { AuthHttpController } from './auth.http.controller';
import { WellKnownController } from './well-known.controller';

@Module({ controllers: [AuthHttpController, WellKnownController], providers: [RateLimitInterceptor] })
export class AuthHttpModule {}

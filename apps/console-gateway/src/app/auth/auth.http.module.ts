import { Module } from '@nestjs/common';
import { RateLimitInterceptor } from '../http/rate-limit.interceptor';
import { AuthHttpController } from './auth.http.controller';
import { WellKnownHttpController } from './well-known.http.controller';

@Module({ controllers: [AuthHttpController, WellKnownHttpController], providers: [RateLimitInterceptor] })
export class AuthHttpModule {}

import { Module } from '@nestjs/common';
import { RateLimitInterceptor } from '../http/rate-limit.interceptor';
import { ConsoleSessionHttpController } from './console-session.http.controller';

@Module({ controllers: [ConsoleSessionHttpController], providers: [RateLimitInterceptor] })
export class ConsoleHttpModule {}

import { Module } from '@nestjs/common';
import { RateLimitInterceptor } from '../http/rate-limit.interceptor';
import { DiscoveryHttpController } from './discovery.http.controller';
import { OAuth2HttpController } from './oauth2.http.controller';

/** The authorization server's HTTP face: discovery, the browser's pages, the token and userinfo endpoints. */
@Module({ controllers: [DiscoveryHttpController, OAuth2HttpController], providers: [RateLimitInterceptor] })
export class OAuth2HttpModule {}

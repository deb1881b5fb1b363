import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAccess } from '@site11/auth';
import {
  AuthorizeCommand,
  AuthorizeConsentCommand,
  AuthorizeLoginCommand,
  type AuthorizeOutcome,
  OAuthPatterns,
  type RpcMetadata,
  TokenCommand,
  type TokenResponse,
  UserinfoCommand,
} from '@site11/contracts';
import { AuthorizationService } from './authorization.service';
import { OidcTokensService } from './oidc-tokens.service';

/**
 * The authorization server's endpoints behind the gateway's `/oauth2` routes. They are public
 * by nature (a browser, or an application authenticating with its own credentials, which are
 * checked here), so no caller credential is required, as for the console's sign-in.
 */
@Controller()
export class OidcMessageController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly tokens: OidcTokensService,
  ) {}

  @MessagePattern(OAuthPatterns.authorize)
  @RpcAccess({ anyone: true })
  authorize(@Payload('data') command: AuthorizeCommand, @Payload('metadata') metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    return this.authorization.authorize(command.query, command.browser, metadata);
  }

  @MessagePattern(OAuthPatterns.authorizeLogin)
  @RpcAccess({ anyone: true })
  login(@Payload('data') command: AuthorizeLoginCommand, @Payload('metadata') metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    return this.authorization.login(command, metadata);
  }

  @MessagePattern(OAuthPatterns.authorizeConsent)
  @RpcAccess({ anyone: true })
  consent(@Payload('data') command: AuthorizeConsentCommand, @Payload('metadata') metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    return this.authorization.consent(command, metadata);
  }

  @MessagePattern(OAuthPatterns.token)
  @RpcAccess({ anyone: true })
  token(@Payload('data') command: TokenCommand, @Payload('metadata') metadata: RpcMetadata): Promise<TokenResponse> {
    return this.tokens.token(command.form, command, metadata);
  }

  @MessagePattern(OAuthPatterns.userinfo)
  @RpcAccess({ anyone: true })
  userinfo(@Payload('data') command: UserinfoCommand, @Payload('metadata') metadata: RpcMetadata): Promise<Record<string, unknown>> {
    return this.tokens.userinfo(command.accessToken, metadata);
  }
}

import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import {
  type ApplicationDeletedEvent,
  ApplicationsEvents,
  ClientIdParamDto,
  ClientTokenCommand,
  EndSessionCommand,
  type EndSessionOutcome,
  type GrantListDto,
  type IntrospectionResponse,
  AuthorizeCommand,
  AuthorizeConsentCommand,
  AuthorizeLoginCommand,
  AuthorizeLoginMfaCommand,
  type AuthorizeOutcome,
  OAuthPatterns,
  type RpcMetadata,
  TokenCommand,
  type TokenResponse,
  UserinfoCommand,
} from '@site11/contracts';
import { AuthorizationService } from './authorization.service';
import { GrantsService } from './grants.service';
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
    private readonly grants: GrantsService,
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

  @MessagePattern(OAuthPatterns.authorizeLoginMfa)
  @RpcAccess({ anyone: true })
  loginMfa(@Payload('data') command: AuthorizeLoginMfaCommand, @Payload('metadata') metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    return this.authorization.loginMfa(command, metadata);
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

  @MessagePattern(OAuthPatterns.revokeToken)
  @RpcAccess({ anyone: true })
  async revokeToken(@Payload('data') command: ClientTokenCommand, @Payload('metadata') metadata: RpcMetadata): Promise<Record<string, never>> {
    await this.tokens.revoke(command.form, command, metadata);
    return {};
  }

  @MessagePattern(OAuthPatterns.introspect)
  @RpcAccess({ anyone: true })
  introspect(@Payload('data') command: ClientTokenCommand, @Payload('metadata') metadata: RpcMetadata): Promise<IntrospectionResponse> {
    return this.tokens.introspect(command.form, command, metadata);
  }

  @MessagePattern(OAuthPatterns.endSession)
  @RpcAccess({ anyone: true })
  endSession(@Payload('data') command: EndSessionCommand, @Payload('metadata') metadata: RpcMetadata): Promise<EndSessionOutcome> {
    return this.authorization.endSession(command.query, command.browser, metadata);
  }

  /** The applications the signed-in user authorized. */
  @MessagePattern(OAuthPatterns.listGrants)
  @RpcAccess({ actor: 'user' })
  async listGrants(@Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<GrantListDto> {
    return { items: await this.grants.list(actor.sub, metadata) };
  }

  @MessagePattern(OAuthPatterns.revokeGrant)
  @RpcAccess({ actor: 'user' })
  async revokeGrant(@Payload('data') { clientId }: ClientIdParamDto, @Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<null> {
    await this.grants.revoke(actor.sub, clientId, metadata);
    return null;
  }

  /** A deleted application's grants and tokens end with it (a redelivery finds nothing left to end). */
  @EventPattern(ApplicationsEvents.deleted)
  async onApplicationDeleted(@Payload('data') event: ApplicationDeletedEvent, @Payload('metadata') metadata: RpcMetadata): Promise<void> {
    await this.grants.revokeClient(event.clientId, metadata.requestId);
  }

  @MessagePattern(OAuthPatterns.userinfo)
  @RpcAccess({ anyone: true })
  userinfo(@Payload('data') command: UserinfoCommand, @Payload('metadata') metadata: RpcMetadata): Promise<Record<string, unknown>> {
    return this.tokens.userinfo(command.accessToken, metadata);
  }
}

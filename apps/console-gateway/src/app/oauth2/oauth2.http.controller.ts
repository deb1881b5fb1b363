import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import '@fastify/cookie';
import {
  AUTHORIZATION_COOKIE,
  AUTHORIZATION_COOKIE_PATH,
  type AuthorizeOutcome,
  DomainError,
  type EndSessionOutcome,
  OAuthPatterns,
} from '@site11/contracts';
import { Public } from '@site11/gateway-auth';
import { type CallOptions, RpcClient } from '@site11/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_BODY_LIMIT_BYTES, BodyLimit } from '../http/body-limit';
import { Call } from '../http/call-context';
import { GatewayConfig } from '../gateway.config';
import { RateLimit } from '../http/rate-limit.interceptor';
import { pagePolicy, renderPage, renderSignedOut } from './pages';

type Form = Record<string, string | string[] | undefined>;
interface ClientRequest {
  form: Record<string, string>;
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  clientId?: string;
  clientSecret?: string;
}

/** A form or query as the authorization server takes it: one value per name (a repeated one stays an array, and is refused there). */
const single = (form: Form | undefined): Record<string, string> => Object.fromEntries(Object.entries(form ?? {}).filter(([, value]) => value !== undefined)) as Record<string, string>;

/** RFC 6749 §3.2: the token endpoint takes a form, each parameter once. */
function tokenRequestProblem(contentType: string | undefined, form: Form | undefined): string | null {
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) return 'The token request must be application/x-www-form-urlencoded';
  const repeated = Object.entries(form ?? {}).find(([, value]) => typeof value !== 'string');
  return repeated ? `The parameter ${repeated[0]} must be given once` : null;
}
const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
export function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | null {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/**
 * The authorization server's browser and client endpoints (docs/oauth.md). The gateway only
 * carries them: the oauth service decides; the gateway renders its pages, sets its cookie and
 * shapes errors as RFC 6749 wants them. Not in the OpenAPI document: they are specified by
 * OAuth 2.1 and OpenID Connect, and advertised by the discovery document.
 */
@ApiExcludeController()
@Public()
@Controller('oauth2')
export class OAuth2HttpController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  @Get('authorize')
  // every request stores a pending authorization for ten minutes: bounded per address
  @RateLimit({ action: 'oauth2-authorize', account: 'none' })
  async authorize(@Query() query: Form, @Req() request: FastifyRequest, @Call() call: CallOptions, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.rpc.send<AuthorizeOutcome>(OAuthPatterns.authorize, { query: single(query), ...this.browser(request) }, call);
    this.answer(outcome, reply, 302);
  }

  @Post('login')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  // the same counters as the API's sign-in: a password guessed here is guessed there
  @RateLimit({ action: 'login', account: { field: 'email' } })
  async login(@Body() form: Form, @Req() request: FastifyRequest, @Call() call: CallOptions, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.rpc.send<AuthorizeOutcome>(
      OAuthPatterns.authorizeLogin,
      { request: text(form?.['request']), csrf: text(form?.['csrf']), email: text(form?.['email']), password: text(form?.['password']), ...this.browser(request) },
      call,
    );
    this.answer(outcome, reply, 303);
  }

  /** The code form of an account with TOTP; limited per address like sign-in attempts. */
  @Post('login/mfa')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @RateLimit({ action: 'login-mfa', account: { field: 'mfaToken' } })
  async loginMfa(@Body() form: Form, @Req() request: FastifyRequest, @Call() call: CallOptions, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.rpc.send<AuthorizeOutcome>(
      OAuthPatterns.authorizeLoginMfa,
      { request: text(form?.['request']), csrf: text(form?.['csrf']), mfaToken: text(form?.['mfaToken']), code: text(form?.['code']), ...this.browser(request) },
      call,
    );
    this.answer(outcome, reply, 303);
  }

  @Post('consent')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @RateLimit({ action: 'oauth2-authorize', account: 'none' })
  async consent(@Body() form: Form, @Req() request: FastifyRequest, @Call() call: CallOptions, @Res() reply: FastifyReply): Promise<void> {
    const decision = form?.['decision'] === 'allow' ? 'allow' : 'deny';
    const outcome = await this.rpc.send<AuthorizeOutcome>(
      OAuthPatterns.authorizeConsent,
      { request: text(form?.['request']), csrf: text(form?.['csrf']), decision, ...this.browser(request) },
      call,
    );
    this.answer(outcome, reply, 303);
  }

  @Post('token')
  @HttpCode(200)
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  async token(
    @Body() form: Form,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Call() call: CallOptions,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.forClient(OAuthPatterns.token, form, authorization, contentType, call, reply);
  }

  /** RFC 7009: the application's own access or refresh token; 200 whatever the token was. */
  @Post('revoke')
  @HttpCode(200)
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  async revoke(
    @Body() form: Form,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Call() call: CallOptions,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.forClient(OAuthPatterns.revokeToken, form, authorization, contentType, call, reply);
  }

  /** RFC 7662, for confidential applications about their own tokens. */
  @Post('introspect')
  @HttpCode(200)
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  async introspect(
    @Body() form: Form,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Call() call: CallOptions,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.forClient(OAuthPatterns.introspect, form, authorization, contentType, call, reply);
  }

  /** RP-initiated logout: back to a registered post_logout_redirect_uri, or a signed-out page. */
  @Get('logout')
  async logout(@Query() query: Form, @Req() request: FastifyRequest, @Call() call: CallOptions, @Res() reply: FastifyReply): Promise<void> {
    const outcome = await this.rpc.send<EndSessionOutcome>(OAuthPatterns.endSession, { query: single(query), ...this.browser(request) }, call);
    const { name, path, secure } = this.cookie;
    void reply.clearCookie(name, { httpOnly: true, sameSite: 'lax', secure, path }).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (outcome.location) {
      void reply.status(302).header('location', outcome.location).send();
      return;
    }
    const page: Parameters<typeof renderPage>[0] = outcome.error
      ? { kind: 'error', error: 'invalid_request', description: outcome.error }
      : { kind: 'error', error: 'invalid_request', description: '' };
    void reply
      .status(outcome.error ? 400 : 200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', pagePolicy(page))
      .send(outcome.error ? renderPage(page) : renderSignedOut());
  }

  /** The token, revocation and introspection endpoints: the client's request checked, sent to oauth, its answer or RFC 6749 error. */
  private async forClient(pattern: string, form: Form, authorization: string | undefined, contentType: string | undefined, call: CallOptions, reply: FastifyReply): Promise<void> {
    const request = this.clientRequest(form, authorization, contentType, reply);
    if (request) await this.oauth2(reply, () => this.rpc.send(pattern, request, call));
  }

  /**
   * A client's request to the token, revocation or introspection endpoint: a form, each
   * parameter once, one client authentication method (RFC 6749 §2.3, §3.2); else the error is
   * sent and null returned.
   */
  private clientRequest(form: Form, authorization: string | undefined, contentType: string | undefined, reply: FastifyReply): ClientRequest | null {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const problem = tokenRequestProblem(contentType, form);
    if (problem) {
      void reply.status(400).send({ error: 'invalid_request', error_description: problem });
      return null;
    }
    const fields = single(form);
    const basic = basicCredentials(authorization);
    if (authorization !== undefined && !basic) {
      void reply.status(401).header('www-authenticate', 'Basic realm="site11"').send({ error: 'invalid_client', error_description: 'Malformed HTTP Basic credentials' });
      return null;
    }
    if (basic && fields['client_secret'] !== undefined) {
      void reply.status(400).send({ error: 'invalid_request', error_description: 'Use one client authentication method, not two' });
      return null;
    }
    const { client_secret: secret, ...rest } = fields;
    if (basic) return { form: rest, authMethod: 'client_secret_basic', ...basic };
    if (secret !== undefined) return { form: rest, authMethod: 'client_secret_post', clientId: fields['client_id'], clientSecret: secret };
    return { form: rest, authMethod: 'none' };
  }

  @Get('userinfo')
  async userinfo(@Headers('authorization') authorization: string | undefined, @Call() call: CallOptions, @Res() reply: FastifyReply): Promise<void> {
    await this.userinfoFor(authorization, call, reply);
  }

  @Post('userinfo')
  @HttpCode(200)
  async userinfoPost(@Headers('authorization') authorization: string | undefined, @Call() call: CallOptions, @Res() reply: FastifyReply): Promise<void> {
    await this.userinfoFor(authorization, call, reply);
  }

  private async userinfoFor(authorization: string | undefined, call: CallOptions, reply: FastifyReply): Promise<void> {
    void reply.header('cache-control', 'no-store');
    const token = /^bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) {
      void reply.status(401).header('www-authenticate', 'Bearer realm="site11"').send({ error: 'invalid_token', error_description: 'A bearer access token is required' });
      return;
    }
    await this.oauth2(reply, () => this.rpc.send<Record<string, unknown>>(OAuthPatterns.userinfo, { accessToken: token }, call), true);
  }

  /** RFC 6749 §5.2 / RFC 6750 §3.1 errors: `{ error, error_description }`, 401 with a challenge for client and token failures. */
  private async oauth2(reply: FastifyReply, send: () => Promise<unknown>, bearer = false): Promise<void> {
    try {
      void reply.status(200).send(await send());
    } catch (error) {
      const details = error instanceof DomainError ? (error.details as { error?: string; error_description?: string } | undefined) : undefined;
      if (!details?.error) throw error;
      const status = details.error === 'invalid_client' || details.error === 'invalid_token' ? 401 : 400;
      if (status === 401) {
        void reply.header('www-authenticate', bearer ? `Bearer realm="site11", error="${details.error}"` : 'Basic realm="site11"');
      }
      void reply.status(status).send({ error: details.error, error_description: details.error_description });
    }
  }

  /**
   * Over https the cookie is `__Host-site11_as` (Secure, Path=/, no Domain): no sibling
   * subdomain and no plain-http page can plant one. Over plain http (local development) it
   * cannot be, and is `site11_as` on /oauth2.
   */
  private get cookie(): { name: string; path: string; secure: boolean } {
    const secure = this.config.PUBLIC_URL.startsWith('https:');
    return secure ? { name: `__Host-${AUTHORIZATION_COOKIE}`, path: '/', secure } : { name: AUTHORIZATION_COOKIE, path: AUTHORIZATION_COOKIE_PATH, secure };
  }

  private browser(request: FastifyRequest): { browser?: string } {
    const value = request.cookies[this.cookie.name];
    return value ? { browser: value } : {};
  }

  private answer(outcome: AuthorizeOutcome, reply: FastifyReply, redirectStatus: 302 | 303): void {
    if (outcome.setBrowser) {
      const { name, path, secure } = this.cookie;
      void reply.setCookie(name, outcome.setBrowser.value, {
        httpOnly: true,
        // Lax: the cookie must come along when a third-party application sends the browser here
        sameSite: 'lax',
        secure,
        path,
        maxAge: outcome.setBrowser.maxAge,
      });
    }
    void reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (outcome.kind === 'redirect') {
      void reply.status(redirectStatus).header('location', outcome.location).send();
      return;
    }
    void reply
      // a sign-in or code form shown again after a wrong password or code is a failed attempt (rate limits count it)
      .status(outcome.kind === 'error' || ((outcome.kind === 'login' || outcome.kind === 'mfa') && outcome.error) ? 400 : 200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', pagePolicy(outcome))
      .send(renderPage(outcome));
  }
}

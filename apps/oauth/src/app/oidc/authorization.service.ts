import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type ApplicationDto,
  AuthErrors,
  type AuthMethodReference,
  DomainError,
  RECOVERY_CODE_PATTERN,
  TOTP_CODE_PATTERN,
  type UserDto,
  type AuthorizeOutcome,
  type EndSessionOutcome,
  type OAuth2ErrorCode,
  type PageClient,
  type RpcMetadata,
  SCOPE_DESCRIPTIONS,
  type Scope,
} from '@site11/contracts';
import { Model } from 'mongoose';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { jwtVerify } from 'jose';
import { SigningKeysService } from '../keys/signing-keys.service';
import { MfaChallenges } from '../sessions/mfa-challenges';
import { SignIns } from '../sessions/sign-ins';
import { OAuthConfig } from '../oauth.config';
import { UsersClient } from '../users/users.client';
import { ApplicationsClient } from './applications.client';
import { GrantsService } from './grants.service';
import { AuthorizationCode, AuthorizationRequest, BrowserSession, Grant } from './oidc.schema';
import { redirectUriRegistered } from './redirect-match';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A browser's sign-in lasts this long at the authorization server (seconds). */
export const BROWSER_SESSION_SECONDS = 12 * 3600;
/** A pending request, and the anonymous browser session that made it, live this long (seconds). */
const REQUEST_SECONDS = 10 * 60;
const CODE_SECONDS = 60;
const PROMPTS = new Set(['none', 'login', 'consent']);

interface Prompt {
  none: boolean;
  login: boolean;
  consent: boolean;
}

/**
 * The authorization endpoint (RFC 6749 §4.1, OpenID Connect Core §3.1) behind the gateway's
 * `/oauth2/authorize`, sign-in and consent forms: checks the request against the registered
 * client, signs the user in, asks (once) for consent, and hands the browser back to the client
 * with a one-minute, single-use code. Until the redirect URI is known to be registered, errors
 * are a page; after, they go back to the client (with `state` and `iss`, RFC 9207).
 */
@Injectable()
export class AuthorizationService {
  constructor(
    @InjectModel(BrowserSession.name) private readonly browsers: Model<BrowserSession>,
    @InjectModel(AuthorizationRequest.name) private readonly requests: Model<AuthorizationRequest>,
    @InjectModel(AuthorizationCode.name) private readonly codes: Model<AuthorizationCode>,
    @InjectModel(Grant.name) private readonly grants: Model<Grant>,
    private readonly applications: ApplicationsClient,
    private readonly users: UsersClient,
    private readonly config: OAuthConfig,
    private readonly grantsService: GrantsService,
    private readonly keys: SigningKeysService,
    private readonly signIns: SignIns,
    private readonly challenges: MfaChallenges,
  ) {}

  async authorize(query: Record<string, unknown>, browserToken: string | undefined, metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    const repeated = Object.entries(query).find(([, value]) => typeof value !== 'string');
    if (repeated) return page('invalid_request', `The parameter ${repeated[0]} must be given once`);
    const q = query as Record<string, string>;
    const client = q['client_id'] ? await this.applications.find(q['client_id'], metadata) : null;
    if (!client) return page('invalid_request', 'There is no application with this client_id');
    const redirectUri = q['redirect_uri'];
    if (!redirectUri || !redirectUriRegistered(client.redirectUris, redirectUri)) {
      return page('invalid_request', 'The redirect_uri is not registered for this application');
    }
    // from here on, the client hears about problems at its redirect URI
    const back = (error: OAuth2ErrorCode, description: string) => this.redirect(redirectUri, { error, error_description: description, state: q['state'] });

    if (q['response_type'] !== 'code') return back('unsupported_response_type', 'Only response_type=code is supported');
    if (!client.grantTypes.includes('authorization_code')) return back('unauthorized_client', 'This application may not use the authorization code flow');
    const scopes = [...new Set((q['scope'] ?? '').split(' ').filter(Boolean))];
    if (scopes.length === 0) return back('invalid_scope', 'Ask for at least one scope');
    const unknown = scopes.find((scope) => !(client.scopes as string[]).includes(scope));
    if (unknown) return back('invalid_scope', `The application is not registered for the scope ${unknown}`);
    const challenge = q['code_challenge'];
    if (challenge !== undefined) {
      if (q['code_challenge_method'] !== 'S256') return back('invalid_request', 'code_challenge_method must be S256');
      if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back('invalid_request', 'code_challenge must be a base64url SHA-256');
    } else if (client.type === 'public') {
      return back('invalid_request', 'PKCE (code_challenge with S256) is required for this application');
    }
    const prompts = (q['prompt'] ?? '').split(' ').filter(Boolean);
    if (prompts.some((value) => !PROMPTS.has(value)) || (prompts.includes('none') && prompts.length > 1)) {
      return back('invalid_request', 'prompt must be none, or any of login and consent');
    }
    if ((q['nonce']?.length ?? 0) > 256 || (q['state']?.length ?? 0) > 1024) return back('invalid_request', 'state or nonce is too long');

    const { session, setBrowser } = await this.browser(browserToken);
    const now = new Date();
    const request = await this.requests.create({
      _id: random(16),
      browser: session._id,
      csrf: random(24),
      clientId: client.clientId,
      redirectUri,
      scopes,
      state: q['state'] ?? null,
      nonce: q['nonce'] ?? null,
      codeChallenge: challenge ?? null,
      prompt: prompts,
      createdAt: now,
      expiresAt: new Date(now.getTime() + REQUEST_SECONDS * 1000),
    });
    const prompt = { none: prompts.includes('none'), login: prompts.includes('login'), consent: prompts.includes('consent') };
    return { ...(await this.proceed(request.toObject(), session, client, prompt, metadata)), ...(setBrowser ? { setBrowser } : {}) };
  }

  /**
   * The sign-in form: the password checked by the users service, then, for an account with
   * TOTP, the code form, else on to consent or the client.
   */
  async login(command: { request: string; csrf: string; email: string; password: string; browser?: string }, metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    const pending = await this.pending(command.request, command.csrf, command.browser, metadata);
    if ('kind' in pending) return pending;
    const { request, client } = pending;
    const user = await this.users.verifyCredentials({ email: command.email, password: command.password }, metadata).catch(async (error: unknown) => {
      if (error instanceof DomainError && error.code === AuthErrors.invalidCredentials) {
        await this.signIns.failed('authorization-page', metadata, request.clientId);
      }
      return null;
    });
    if (!user) return { kind: 'login', request: request._id, csrf: request.csrf, client: pageClient(client, request.redirectUri), error: 'invalid_credentials' };
    if (this.config.REQUIRE_VERIFIED_EMAIL && !user.emailVerified) {
      return { kind: 'login', request: request._id, csrf: request.csrf, client: pageClient(client, request.redirectUri), error: 'email_not_verified' };
    }
    if (user.mfaEnabled) {
      const { mfaToken } = await this.challenges.open(user);
      return { kind: 'mfa', request: request._id, csrf: request.csrf, client: pageClient(client, request.redirectUri), mfaToken };
    }
    return this.signedIn(user, request, client, metadata);
  }

  /** The code form of an account with TOTP: a wrong code shows the form again, for the challenge's remaining attempts. */
  async loginMfa(command: { request: string; csrf: string; mfaToken: string; code: string; browser?: string }, metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    const pending = await this.pending(command.request, command.csrf, command.browser, metadata);
    if ('kind' in pending) return pending;
    const { request, client } = pending;
    const code = command.code.trim();
    const factor = TOTP_CODE_PATTERN.test(code) ? { code } : RECOVERY_CODE_PATTERN.test(code) ? { recoveryCode: code } : null;
    const again = (error: 'invalid_code' | 'expired') =>
      error === 'expired'
        ? ({ kind: 'login', request: request._id, csrf: request.csrf, client: pageClient(client, request.redirectUri), error: 'mfa_expired' } as const)
        : ({ kind: 'mfa', request: request._id, csrf: request.csrf, client: pageClient(client, request.redirectUri), mfaToken: command.mfaToken, error } as const);
    let user: UserDto;
    try {
      if (!factor) {
        // not a code at all: it spends an attempt like a wrong one
        await this.challenges.attempt(command.mfaToken);
        return again('invalid_code');
      }
      user = await this.challenges.complete(command.mfaToken, factor, metadata);
    } catch (error) {
      if (error instanceof DomainError && error.code === AuthErrors.invalidMfaCode) return again('invalid_code');
      if (error instanceof DomainError && (error.code === AuthErrors.invalidMfaToken || error.code === AuthErrors.rateLimited)) return again('expired');
      throw error;
    }
    return this.signedIn(user, request, client, metadata, ['pwd', 'otp']);
  }

  /** After the password (and the code): a new browser sign-in, then on to consent or the client. */
  private async signedIn(
    user: UserDto,
    request: AuthorizationRequest,
    client: ApplicationDto,
    metadata: RpcMetadata,
    amr: AuthMethodReference[] = ['pwd'],
  ): Promise<AuthorizeOutcome> {
    await this.signIns.succeeded(user.id, 'authorization-page', metadata, request.clientId);
    // a new cookie at sign-in: a cookie planted before it signs in nobody
    const token = random(32);
    const now = new Date();
    const session = await this.browsers.create({
      _id: sha256(token),
      userId: user.id,
      authTime: now,
      amr,
      createdAt: now,
      expiresAt: new Date(now.getTime() + BROWSER_SESSION_SECONDS * 1000),
    });
    await this.browsers.deleteOne({ _id: request.browser }).exec();
    await this.requests.updateOne({ _id: request._id }, { $set: { browser: session._id } }).exec();
    // the password was just entered: prompt=login is satisfied, prompt=consent still asks
    const outcome = await this.proceed({ ...request, browser: session._id }, session.toObject(), client, { none: false, login: false, consent: request.prompt.includes('consent') }, metadata);
    return { ...outcome, setBrowser: { value: token, maxAge: BROWSER_SESSION_SECONDS } };
  }

  /** Allow or Deny: a remembered grant and a code, or `access_denied` back to the client. */
  async consent(command: { request: string; csrf: string; decision: 'allow' | 'deny'; browser?: string }, metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    const pending = await this.pending(command.request, command.csrf, command.browser, metadata);
    if ('kind' in pending) return pending;
    const { request, session } = pending;
    if (!session.userId) return page('invalid_request', 'Sign in first');
    if (command.decision === 'deny') {
      await this.requests.deleteOne({ _id: request._id }).exec();
      return this.redirect(request.redirectUri, { error: 'access_denied', error_description: 'The user did not allow it', state: request.state ?? undefined });
    }
    await this.grantsService.allow(session.userId, request.clientId, request.scopes, metadata.requestId);
    return this.issueCode(request, session, metadata);
  }

  /**
   * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the browser's sign-in here ends;
   * it goes back to the application only to a `post_logout_redirect_uri` registered exactly for
   * the client named by `client_id` or the `id_token_hint`, else to a signed-out page.
   */
  async endSession(query: Record<string, unknown>, browserToken: string | undefined, metadata: RpcMetadata): Promise<EndSessionOutcome> {
    const q = Object.fromEntries(Object.entries(query).filter(([, value]) => typeof value === 'string')) as Record<string, string>;
    if (browserToken) await this.browsers.deleteOne({ _id: sha256(browserToken) }).exec();
    const target = q['post_logout_redirect_uri'];
    if (!target) return { location: null };
    const clientId = q['client_id'] ?? (q['id_token_hint'] ? await this.audienceOf(q['id_token_hint']) : null);
    const client = clientId ? await this.applications.find(clientId, metadata) : null;
    if (!client || !client.postLogoutRedirectUris.includes(target)) {
      return { location: null, error: 'The post_logout_redirect_uri is not registered for this application' };
    }
    const url = new URL(target);
    if (q['state']) url.searchParams.set('state', q['state']);
    return { location: url.toString() };
  }

  /** The client an ID token of ours was issued to (expired ones too: a hint names, it does not authenticate). */
  private async audienceOf(idToken: string): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(idToken, await this.keys.verificationKeys(), {
        issuer: this.config.PUBLIC_URL,
        clockTolerance: Number.MAX_SAFE_INTEGER,
      });
      return typeof payload.aud === 'string' ? payload.aud : null;
    } catch {
      return null;
    }
  }

  private async proceed(request: AuthorizationRequest, session: BrowserSession, client: ApplicationDto, prompt: Prompt, metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    const back = (error: OAuth2ErrorCode, description: string) =>
      this.redirect(request.redirectUri, { error, error_description: description, state: request.state ?? undefined });
    if (!session.userId || prompt.login) {
      if (prompt.none) return back('login_required', 'The user is not signed in');
      return { kind: 'login', request: request._id, csrf: request.csrf, client: pageClient(client, request.redirectUri) };
    }
    const grant = await this.grants.findOne({ userId: session.userId, clientId: request.clientId }).lean<Grant>().exec();
    const granted = grant !== null && request.scopes.every((scope) => grant.scopes.includes(scope));
    if (granted && !prompt.consent) return this.issueCode(request, session, metadata);
    if (prompt.none) return back('consent_required', 'The user has not allowed these scopes');
    const user = await this.users.find(session.userId, metadata);
    if (!user) return back('login_required', 'The account no longer exists');
    return {
      kind: 'consent',
      request: request._id,
      csrf: request.csrf,
      client: pageClient(client, request.redirectUri),
      user: { email: user.email, name: user.name },
      scopes: request.scopes.map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope as Scope] ?? scope })),
    };
  }

  private async issueCode(request: AuthorizationRequest, session: BrowserSession, _metadata: RpcMetadata): Promise<AuthorizeOutcome> {
    const code = random(32);
    const now = new Date();
    await this.codes.create({
      _id: sha256(code),
      clientId: request.clientId,
      userId: session.userId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      nonce: request.nonce,
      codeChallenge: request.codeChallenge,
      authTime: session.authTime ?? now,
      expiresAt: new Date(now.getTime() + CODE_SECONDS * 1000),
      usedAt: null,
      sessionId: null,
    });
    await this.requests.deleteOne({ _id: request._id }).exec();
    return this.redirect(request.redirectUri, { code, state: request.state ?? undefined });
  }

  /** A pending request of this browser with this CSRF token, and its client; else the page to show. */
  private async pending(
    id: string,
    csrf: string,
    browserToken: string | undefined,
    metadata: RpcMetadata,
  ): Promise<{ request: AuthorizationRequest; session: BrowserSession; client: ApplicationDto } | Extract<AuthorizeOutcome, { kind: 'error' }>> {
    const expired = page('invalid_request', 'This page has expired. Go back to the application and sign in again.');
    const request = await this.requests.findOne({ _id: id, expiresAt: { $gt: new Date() } }).lean<AuthorizationRequest>().exec();
    if (!request || !browserToken || !sameText(sha256(browserToken), request.browser) || !sameText(csrf, request.csrf)) return expired;
    const session = await this.browsers.findOne({ _id: request.browser, expiresAt: { $gt: new Date() } }).lean<BrowserSession>().exec();
    if (!session) return expired;
    const client = await this.applications.find(request.clientId, metadata);
    if (!client) return page('invalid_request', 'The application no longer exists');
    return { request, session, client };
  }

  /** The browser's session, or a new anonymous one with its cookie. */
  private async browser(token: string | undefined): Promise<{ session: BrowserSession; setBrowser?: { value: string; maxAge: number } }> {
    if (token) {
      const found = await this.browsers.findOne({ _id: sha256(token), expiresAt: { $gt: new Date() } }).lean<BrowserSession>().exec();
      if (found) return { session: found };
    }
    // anonymous until sign-in: it lives as long as the request it was made for
    const value = random(32);
    const now = new Date();
    const created = await this.browsers.create({
      _id: sha256(value),
      userId: null,
      authTime: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + REQUEST_SECONDS * 1000),
    });
    return { session: created.toObject(), setBrowser: { value, maxAge: REQUEST_SECONDS } };
  }

  /** The client's redirect URI with the response parameters and `iss` (RFC 9207). */
  private redirect(redirectUri: string, params: Record<string, string | undefined>): AuthorizeOutcome {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...params, iss: this.config.PUBLIC_URL })) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return { kind: 'redirect', location: url.toString() };
  }
}

function page(error: OAuth2ErrorCode, description: string): Extract<AuthorizeOutcome, { kind: 'error' }> {
  return { kind: 'error', error, description };
}

/** What a page shows of the client; `form-action` may end at its redirect URIs, this request's included (a loopback port). */
function pageClient(client: ApplicationDto, redirectUri: string): PageClient {
  const origins = new Set<string>();
  for (const uri of [...client.redirectUris, redirectUri]) {
    try {
      origins.add(new URL(uri).origin);
    } catch {
      // registered URIs are valid URLs
    }
  }
  return { name: client.name, homepageUrl: client.homepageUrl, redirectOrigins: [...origins] };
}

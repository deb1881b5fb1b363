import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { TokenDenylist } from '@site11/auth';
import { ACCESS_TOKEN_TYPE, type ApplicationDto, type IntrospectionResponse, OIDC_SCOPES, type RpcMetadata, type TokenResponse } from '@site11/contracts';
import { jwtVerify, SignJWT } from 'jose';
import { Model } from 'mongoose';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { SIGNING_ALGORITHM, SigningKeysService } from '../keys/signing-keys.service';
import { OAuthConfig } from '../oauth.config';
import { ClientSessionsService } from '../sessions/client-sessions.service';
import { TokensService } from '../sessions/tokens.service';
import { UsersClient } from '../users/users.client';
import { ApplicationsClient } from './applications.client';
import { clientCredentialsSid } from './grants.service';
import { OAuth2Error } from './oidc.errors';
import { AuthorizationCode } from './oidc.schema';

const sha256 = (value: string) => createHash('sha256').update(value).digest();
/** `at_hash` (OpenID Connect Core §3.1.3.6): the left half of the access token's SHA-256, base64url. */
const halfHash = (value: string) => sha256(value).subarray(0, 16).toString('base64url');
const ID_TOKEN_SECONDS = 10 * 60;
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export interface ClientCredentials {
  authMethod: 'client_secret_basic' | 'client_secret_post' | 'none';
  clientId?: string;
  clientSecret?: string;
}

/**
 * The token endpoint (RFC 6749 §3.2) and userinfo (OpenID Connect Core §5.3) for third-party
 * applications. Access tokens are RFC 9068 JWTs (`typ: at+jwt`, `client_id`, `scope`) signed
 * with the platform's keys and issued by PUBLIC_URL; ID tokens are addressed to the client.
 */
@Injectable()
export class OidcTokensService {
  constructor(
    @InjectModel(AuthorizationCode.name) private readonly codes: Model<AuthorizationCode>,
    private readonly applications: ApplicationsClient,
    private readonly users: UsersClient,
    private readonly tokens: TokensService,
    private readonly clientSessions: ClientSessionsService,
    private readonly keys: SigningKeysService,
    private readonly denylist: TokenDenylist,
    private readonly config: OAuthConfig,
  ) {}

  async token(form: Record<string, string>, credentials: ClientCredentials, metadata: RpcMetadata): Promise<TokenResponse> {
    const grantType = form['grant_type'];
    if (!grantType) throw new OAuth2Error('invalid_request', 'grant_type is required');
    if (!['authorization_code', 'refresh_token', 'client_credentials'].includes(grantType)) {
      throw new OAuth2Error('unsupported_grant_type', `grant_type ${grantType} is not supported`);
    }
    const client = await this.authenticate(credentials, form, metadata);
    if (!(client.grantTypes as string[]).includes(grantType)) throw new OAuth2Error('unauthorized_client', `This application may not use ${grantType}`);
    if (grantType === 'authorization_code') return this.exchangeCode(client, form, metadata);
    if (grantType === 'refresh_token') return this.refresh(client, form, metadata);
    return this.clientCredentials(client, form);
  }

  /**
   * RFC 7009: the client's own access or refresh token stops working (a refresh token takes its
   * whole family with it). Unknown tokens, and tokens of other clients, change nothing and are
   * answered the same way, so nothing is learnt from the answer.
   */
  async revoke(form: Record<string, string>, credentials: ClientCredentials, metadata: RpcMetadata): Promise<void> {
    const client = await this.authenticate(credentials, form, metadata);
    const token = form['token'];
    if (!token) throw new OAuth2Error('invalid_request', 'token is required');
    const refresh = await this.clientSessions.refreshTokenInfo(token);
    if (refresh) {
      if (refresh.session.clientId === client.clientId) await this.tokens.revoke(refresh.session._id, 'revoked by the application');
      return;
    }
    const claims = await this.verifyAccessToken(token).catch(() => null);
    if (claims?.['client_id'] === client.clientId && claims.jti && claims.exp) await this.denylist.deny(claims.jti, String(claims['sid'] ?? ''), claims.exp);
  }

  /** RFC 7662, for a confidential client about its own tokens: active or not, and what it grants. */
  async introspect(form: Record<string, string>, credentials: ClientCredentials, metadata: RpcMetadata): Promise<IntrospectionResponse> {
    if (credentials.authMethod === 'none') throw new OAuth2Error('invalid_client', 'Introspection needs a confidential client’s credentials');
    const client = await this.authenticate(credentials, form, metadata);
    const token = form['token'];
    if (!token) throw new OAuth2Error('invalid_request', 'token is required');
    const refresh = await this.clientSessions.refreshTokenInfo(token);
    if (refresh) {
      const { session, used } = refresh;
      const active = !used && session.clientId === client.clientId && !session.revokedAt && session.expiresAt.getTime() > Date.now();
      if (!active) return { active: false };
      return {
        active: true,
        token_type: 'refresh_token',
        client_id: client.clientId,
        sub: session.userId,
        scope: (session.scopes ?? []).join(' '),
        exp: Math.floor(session.expiresAt.getTime() / 1000),
        iss: this.config.PUBLIC_URL,
      };
    }
    const claims = await this.verifyAccessToken(token).catch(() => null);
    if (!claims || claims['client_id'] !== client.clientId) return { active: false };
    return {
      active: true,
      token_type: 'Bearer',
      client_id: client.clientId,
      sub: claims.sub,
      scope: String(claims['scope'] ?? ''),
      exp: claims.exp,
      iat: claims.iat,
      iss: claims.iss,
      aud: this.config.JWT_AUDIENCE,
    };
  }

  /** The claims the access token's scopes allow (`sub` always). */
  async userinfo(accessToken: string, metadata: RpcMetadata): Promise<Record<string, unknown>> {
    const claims = await this.verifyAccessToken(accessToken);
    const scopes = String(claims['scope'] ?? '').split(' ');
    if (!scopes.includes('openid') || typeof claims.sub !== 'string' || claims['client_id'] === claims.sub) {
      throw new OAuth2Error('invalid_token', 'The access token was not issued for OpenID Connect');
    }
    const user = await this.users.find(claims.sub, metadata);
    if (!user) throw new OAuth2Error('invalid_token', 'The account no longer exists');
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { name: user.name, updated_at: Math.floor(Date.parse(user.updatedAt) / 1000) } : {}),
      ...(scopes.includes('email') ? { email: user.email, email_verified: user.emailVerified } : {}),
    };
  }

  /** client_secret_basic / client_secret_post for confidential clients; `none` (client_id only) for public ones. */
  private async authenticate(credentials: ClientCredentials, form: Record<string, string>, metadata: RpcMetadata): Promise<ApplicationDto> {
    if (credentials.authMethod === 'none') {
      const clientId = form['client_id'];
      const client = clientId ? await this.applications.find(clientId, metadata) : null;
      if (!client) throw new OAuth2Error('invalid_client', 'Unknown client');
      if (client.type !== 'public') throw new OAuth2Error('invalid_client', 'This application must authenticate with its client secret');
      return client;
    }
    const client =
      credentials.clientId && credentials.clientSecret ? await this.applications.authenticate(credentials.clientId, credentials.clientSecret, metadata) : null;
    if (!client) throw new OAuth2Error('invalid_client', 'Client authentication failed');
    if (form['client_id'] && form['client_id'] !== client.clientId) throw new OAuth2Error('invalid_client', 'client_id does not match the authenticated client');
    return client;
  }

  private async exchangeCode(client: ApplicationDto, form: Record<string, string>, metadata: RpcMetadata): Promise<TokenResponse> {
    const code = form['code'];
    if (!code) throw new OAuth2Error('invalid_request', 'code is required');
    const id = sha256(code).toString('hex');
    const stored = await this.codes.findById(id).lean<AuthorizationCode>().exec();
    if (!stored || stored.clientId !== client.clientId) throw new OAuth2Error('invalid_grant', 'The code is unknown or was issued to another client');
    // One use: of two concurrent exchanges only one wins; the other is a replay. The claim names
    // the session (`sid`) every token of this exchange will carry, so a replay, however early,
    // revokes them all; the used code is kept as long as those access tokens live.
    const sid = randomUUID();
    const keepUntil = new Date(Date.now() + (this.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
    const claimed = await this.codes.updateOne({ _id: id, usedAt: null }, { $set: { usedAt: new Date(), sessionId: sid, expiresAt: keepUntil } }).exec();
    if (claimed.modifiedCount !== 1) {
      const used = await this.codes.findById(id).lean<AuthorizationCode>().exec();
      if (used?.sessionId) await this.tokens.revoke(used.sessionId, 'authorization code replayed');
      throw new OAuth2Error('invalid_grant', 'The code was already used; the tokens issued for it are revoked');
    }
    if (stored.expiresAt.getTime() <= Date.now()) throw new OAuth2Error('invalid_grant', 'The code has expired');
    if (form['redirect_uri'] !== stored.redirectUri) throw new OAuth2Error('invalid_grant', 'redirect_uri does not match the authorization request');
    const verifier = form['code_verifier'];
    if (stored.codeChallenge) {
      if (!verifier || !VERIFIER.test(verifier)) throw new OAuth2Error('invalid_grant', 'code_verifier is required (PKCE)');
      const expected = Buffer.from(stored.codeChallenge);
      const actual = Buffer.from(sha256(verifier).toString('base64url'));
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new OAuth2Error('invalid_grant', 'code_verifier does not match the code_challenge');
    } else if (verifier !== undefined) {
      // no downgrade: a verifier for a code issued without a challenge (RFC 9700 §2.1.1)
      throw new OAuth2Error('invalid_grant', 'The authorization request had no code_challenge');
    }
    const user = await this.users.find(stored.userId, metadata);
    if (!user) throw new OAuth2Error('invalid_grant', 'The account no longer exists');

    // a refresh token when the application may refresh, and, under OpenID Connect, was given offline_access (Core §11)
    let refreshToken: string | undefined;
    const offline = !stored.scopes.includes('openid') || stored.scopes.includes('offline_access');
    if ((client.grantTypes as string[]).includes('refresh_token') && offline) {
      refreshToken = (await this.clientSessions.startClientSession(sid, user.id, client.clientId, stored.scopes)).refreshToken;
    }
    const accessToken = await this.accessToken(user.id, client.clientId, stored.scopes, sid);
    const idToken = stored.scopes.includes('openid')
      ? await this.idToken(user.id, client.clientId, { nonce: stored.nonce, authTime: stored.authTime, accessToken, sid })
      : undefined;
    return this.response(accessToken, stored.scopes, refreshToken, idToken);
  }

  private async refresh(client: ApplicationDto, form: Record<string, string>, metadata: RpcMetadata): Promise<TokenResponse> {
    const token = form['refresh_token'];
    if (!token) throw new OAuth2Error('invalid_request', 'refresh_token is required');
    const rotated = await this.clientSessions.rotateClientRefreshToken(token, client.clientId).catch(() => {
      throw new OAuth2Error('invalid_grant', 'The refresh token is unknown, expired, revoked or was issued to another client');
    });
    if (!(await this.users.find(rotated.session.userId, metadata))) {
      await this.tokens.revoke(rotated.session._id, 'user deleted');
      throw new OAuth2Error('invalid_grant', 'The account no longer exists');
    }
    // what was granted, and what the application is still registered for
    const granted = (rotated.session.scopes ?? []).filter((scope) => (client.scopes as string[]).includes(scope));
    const requested = form['scope'] ? [...new Set(form['scope'].split(' ').filter(Boolean))] : granted;
    const wider = requested.find((scope) => !granted.includes(scope));
    if (wider) throw new OAuth2Error('invalid_scope', `The scope ${wider} was not granted`);
    const accessToken = await this.accessToken(rotated.session.userId, client.clientId, requested, rotated.session._id);
    return this.response(accessToken, requested, rotated.refreshToken);
  }

  /** A confidential client acting for itself: API scopes only, no user, no refresh token. */
  private async clientCredentials(client: ApplicationDto, form: Record<string, string>): Promise<TokenResponse> {
    if (client.type !== 'confidential') throw new OAuth2Error('unauthorized_client', 'Only confidential applications may use client_credentials');
    const requested = form['scope'] ? [...new Set(form['scope'].split(' ').filter(Boolean))] : (client.scopes as string[]).filter((scope) => !(scope in OIDC_SCOPES));
    const refused = requested.find((scope) => scope in OIDC_SCOPES || !(client.scopes as string[]).includes(scope));
    if (refused) throw new OAuth2Error('invalid_scope', `The scope ${refused} cannot be granted to the application itself`);
    // one sid for all of them: deleting the application revokes them by it
    return this.response(await this.accessToken(client.clientId, client.clientId, requested, clientCredentialsSid(client.clientId)), requested);
  }

  private response(accessToken: string, scopes: string[], refreshToken?: string, idToken?: string): TokenResponse {
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.config.ACCESS_TOKEN_TTL_SECONDS,
      scope: scopes.join(' '),
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      ...(idToken ? { id_token: idToken } : {}),
    };
  }

  /** RFC 9068: `typ: at+jwt`, the platform's audience, `client_id` and `scope`; `sid` when a refresh family exists. */
  private async accessToken(sub: string, clientId: string, scopes: string[], sid?: string): Promise<string> {
    const { kid, privateKey } = await this.keys.current();
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT({ client_id: clientId, scope: scopes.join(' '), ...(sid ? { sid } : {}) })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.config.PUBLIC_URL)
      .setAudience(this.config.JWT_AUDIENCE)
      .setSubject(sub)
      .setJti(randomUUID())
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.config.ACCESS_TOKEN_TTL_SECONDS)
      .sign(privateKey);
  }

  private async idToken(sub: string, clientId: string, context: { nonce: string | null; authTime: Date; accessToken: string; sid?: string }): Promise<string> {
    const { kid, privateKey } = await this.keys.current();
    const issuedAt = Math.floor(Date.now() / 1000);
    return new SignJWT({
      auth_time: Math.floor(context.authTime.getTime() / 1000),
      at_hash: halfHash(context.accessToken),
      azp: clientId,
      ...(context.nonce ? { nonce: context.nonce } : {}),
      ...(context.sid ? { sid: context.sid } : {}),
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: 'JWT' })
      .setIssuer(this.config.PUBLIC_URL)
      .setAudience(clientId)
      .setSubject(sub)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ID_TOKEN_SECONDS)
      .sign(privateKey);
  }

  private async verifyAccessToken(token: string) {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, await this.keys.verificationKeys(), {
        issuer: this.config.PUBLIC_URL,
        audience: this.config.JWT_AUDIENCE,
        typ: ACCESS_TOKEN_TYPE,
        algorithms: [SIGNING_ALGORITHM],
      });
      if (protectedHeader.kid && (await this.denylist.isKeyWithdrawn(protectedHeader.kid))) throw new Error('withdrawn key');
      if (payload.jti && (await this.denylist.isDenied(payload.jti, String(payload['sid'] ?? '')))) throw new Error('revoked');
      return payload;
    } catch {
      throw new OAuth2Error('invalid_token', 'The access token is invalid, expired or revoked');
    }
  }
}

import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

/** `error` values of RFC 6749 §4.1.2.1 / §5.2 and OpenID Connect Core §3.1.2.6. */
export const OAUTH2_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'server_error',
  'login_required',
  'consent_required',
  'interaction_required',
  'invalid_token',
] as const;
export type OAuth2ErrorCode = (typeof OAUTH2_ERRORS)[number];

/** Error codes (`OAUTH2.<ERROR>`) the token and userinfo endpoints answer with, as RFC 6749 §5.2 bodies. */
export const oauth2ErrorCode = (error: OAuth2ErrorCode) => `OAUTH2.${error.toUpperCase()}`;

/** Browser cookie of the authorization server: binds a browser to its sign-in and its pending requests. */
export const AUTHORIZATION_COOKIE = 'site11_as';
export const AUTHORIZATION_COOKIE_PATH = '/oauth2';

/** `oauth.authorize`: the query of `GET /oauth2/authorize` as the browser sent it, and its cookie. */
export class AuthorizeCommand {
  @IsObject()
  query!: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  browser?: string;
}

/** `oauth.authorize-login`: the sign-in form of a pending authorization request. */
export class AuthorizeLoginCommand {
  @IsString()
  @Length(1, 100)
  request!: string;

  @IsString()
  @Length(1, 100)
  csrf!: string;

  @IsString()
  @MaxLength(254)
  email!: string;

  @IsString()
  @MaxLength(1024)
  password!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  browser?: string;
}

/** `oauth.authorize-consent`: Allow or Deny on the consent page. */
export class AuthorizeConsentCommand {
  @IsString()
  @Length(1, 100)
  request!: string;

  @IsString()
  @Length(1, 100)
  csrf!: string;

  @IsIn(['allow', 'deny'])
  decision!: 'allow' | 'deny';

  @IsOptional()
  @IsString()
  @MaxLength(200)
  browser?: string;
}

/** A page the gateway renders, or where it sends the browser. */
export type AuthorizeOutcome = (
  | { kind: 'redirect'; location: string }
  | { kind: 'login'; request: string; csrf: string; client: PageClient; error?: 'invalid_credentials' | 'email_not_verified' | 'mfa_expired' }
  /** The account has TOTP: the code form, carrying the login's challenge. */
  | { kind: 'mfa'; request: string; csrf: string; client: PageClient; mfaToken: string; error?: 'invalid_code' }
  | { kind: 'consent'; request: string; csrf: string; client: PageClient; user: { email: string; name: string }; scopes: { scope: string; description: string }[] }
  | { kind: 'error'; error: OAuth2ErrorCode; description: string }
) & {
  /** A new browser cookie to set (value and lifetime in seconds); absent: keep the one sent. */
  setBrowser?: { value: string; maxAge: number };
};

export interface PageClient {
  name: string;
  homepageUrl: string | null;
  /** Origins the page's form may end up at (its redirect URIs): the page's `form-action`. */
  redirectOrigins: string[];
}

/**
 * `oauth.token`: the form of `POST /oauth2/token`, with the client's credentials as the gateway
 * found them (HTTP Basic, or `client_id`/`client_secret` in the body).
 */
export class TokenCommand {
  @IsObject()
  form!: Record<string, string>;

  @IsIn(['client_secret_basic', 'client_secret_post', 'none'])
  authMethod!: 'client_secret_basic' | 'client_secret_post' | 'none';

  @IsOptional()
  @IsString()
  @MaxLength(200)
  clientId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  clientSecret?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export class UserinfoCommand {
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]+$/)
  @MaxLength(4096)
  accessToken!: string;
}

/** `oauth.revoke-token` / `oauth.introspect`: the form and the client's credentials, as for `oauth.token`. */
export class ClientTokenCommand extends TokenCommand {}

/** RFC 7662 §2.2. */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  sub?: string;
  exp?: number;
  iat?: number;
  iss?: string;
  aud?: string;
  token_type?: 'Bearer' | 'refresh_token';
}

/** `oauth.end-session`: RP-initiated logout's query, and the browser's cookie. */
export class EndSessionCommand {
  @IsObject()
  query!: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  browser?: string;
}

/** Where the browser goes after signing out, or null for the signed-out page; whether to clear the cookie. */
export interface EndSessionOutcome {
  location: string | null;
  error?: string;
}

export class GrantDto {
  @ApiProperty({ example: 'dGhpcyBpcyBhIGNsaWVudA' })
  clientId!: string;

  @ApiProperty({ example: 'Reports', description: 'The application’s name (empty if it no longer exists)' })
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  homepageUrl!: string | null;

  @ApiProperty({ type: [String], example: ['openid', 'email'] })
  scopes!: string[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class GrantListDto {
  @ApiProperty({ type: () => [GrantDto] })
  items!: GrantDto[];
}

export class ClientIdParamDto {
  @ApiProperty({ example: 'dGhpcyBpcyBhIGNsaWVudA' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, { message: 'clientId is not a client id' })
  clientId!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { NormalizeEmail, Trim } from '../common/transforms';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type UserRole } from '../users/users.dto';
import type { AuthMethodReference } from './auth.patterns';

/** Opaque refresh tokens are 32 random bytes, base64url-encoded. */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, writeOnly: true })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ writeOnly: true })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password!: string;
}

/** Payload of `users.verify-credentials`. */
export class VerifyCredentialsDto extends LoginDto {}

export class ChangePasswordDto {
  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH, writeOnly: true })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, writeOnly: true })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

/** Payload of `users.change-password`: the user is the authenticated caller. */
export class ChangePasswordCommand extends ChangePasswordDto {
  @IsString()
  @Matches(/^[a-f0-9]{24}$/)
  id!: string;
}

/** Payload of `oauth.change-password`: the caller's new password, and the session to keep. */
export class ChangePasswordRequest extends ChangePasswordDto {
  @IsUUID()
  sid!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh' })
  @Matches(REFRESH_TOKEN_PATTERN, { message: 'refreshToken is not a valid refresh token' })
  refreshToken!: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'Also revoke the session of this refresh token' })
  @IsOptional()
  @Matches(REFRESH_TOKEN_PATTERN, { message: 'refreshToken is not a valid refresh token' })
  refreshToken?: string;
}

/** Payload of `oauth.logout`, built by the gateway from the verified access token. */
/** Payload of `oauth.logout`: the caller's session, and optionally its refresh token. */
export class LogoutCommand {
  /** Session (refresh-token family) the access token belongs to. */
  @IsUUID()
  sid!: string;

  @IsOptional()
  @Matches(REFRESH_TOKEN_PATTERN)
  refreshToken?: string;
}

/** Payload of `oauth.list-sessions`: which of the caller's sessions is asking (marked `current`). */
export class ListSessionsCommand {
  @IsUUID()
  sid!: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT (RS256), valid for `expiresIn` seconds' })
  accessToken!: string;

  @ApiProperty({ description: 'Opaque; single use: every refresh returns a new one' })
  refreshToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 900 })
  expiresIn!: number;
}

/** One open session of the caller (a login on one device), as `GET /auth/sessions` lists it. */
export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time', description: 'Last login or refresh' })
  lastUsedAt!: string;

  @ApiProperty({ nullable: true, type: String, example: '203.0.113.7' })
  ip!: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'Mozilla/5.0 …' })
  userAgent!: string | null;

  @ApiProperty({ description: 'The session of the token making this request' })
  current!: boolean;
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] })
  items!: SessionDto[];
}

export class SessionIdDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

/** A signing key, by `kid` (path of `POST /auth/keys/{kid}/withdraw`, payload of `oauth.withdraw-key`). */
export class SigningKeyIdDto {
  @ApiProperty({ format: 'uuid', description: 'The key id (`kid` in token headers and the JWKS)' })
  @IsUUID()
  kid!: string;
}

/**
 * What the console's session routes answer: the access token only. The refresh token travels in
 * an HttpOnly cookie that JavaScript cannot read.
 */
export class ConsoleSessionDto {
  @ApiProperty({ description: 'JWT (RS256), valid for `expiresIn` seconds; keep it in memory only' })
  accessToken!: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';

  @ApiProperty({ example: 900 })
  expiresIn!: number;
}

/** Name of the console's header on its session routes (CSRF defence: a cross-site form cannot send it). */
export const CONSOLE_HEADER = 'x-site11-console';

/** Answer of `oauth.rotate-keys`. */
export class KeyRotationDto {
  @ApiProperty({ format: 'uuid', description: 'The key that signs from now on' })
  kid!: string;
}

/** Answer of `oauth.withdraw-key`. */
export class KeyWithdrawalDto {
  @ApiProperty({ format: 'uuid', description: 'The key withdrawn: every token it signed is refused' })
  withdrawn!: string;

  @ApiProperty({ format: 'uuid', description: 'The key that signs from now on' })
  current!: string;
}

/** Claims of a platform access token. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  exp: number;
  iat: number;
  jti: string;
  sid: string;
  roles: UserRole[];
  /** How the session signed in (RFC 8176); absent from tokens of releases before it, read as `['pwd']`. */
  amr?: AuthMethodReference[];
  /**
   * Roles the user has that this token does not carry (MFA_REQUIRED_FOR_ADMINS: `admin`, until
   * the session signs in with a second factor); they are in no `roles`, so no check anywhere
   * grants them, and a route that needs one answers 403 `AUTH.MFA_REQUIRED`.
   */
  withheldRoles?: UserRole[];
}

/** The caller as the gateway authenticated it; travels to services in the envelope. */
export interface Actor {
  sub: string;
  roles: UserRole[];
  /** The session of the access token that proved the actor. */
  sid?: string;
}

/** Whether the caller holds the admin role: the one test of admin powers, at the gateway and in every service. */
export function isAdmin(actor: Pick<Actor, 'roles'> | undefined | null): boolean {
  return actor?.roles.includes('admin') ?? false;
}

export interface JsonWebKeySet {
  keys: Array<Record<string, unknown> & { kid: string; kty: string; alg?: string; use?: string }>;
}

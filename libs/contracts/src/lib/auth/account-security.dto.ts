import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { NormalizeEmail } from '../common/transforms';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../users/users.dto';
import { REFRESH_TOKEN_PATTERN } from './auth.dto';

/**
 * A single-use token sent by mail (email verification, password reset): the account's id, a
 * dot, and 256 random bits in base64url. The id finds the account by its primary key; only a
 * hash of the random part is stored.
 */
export const MAIL_TOKEN_PATTERN = /^[a-f0-9]{24}\.[A-Za-z0-9_-]{43}$/;
/** A TOTP code: six digits (RFC 6238 with SHA-1 and 30-second steps, what authenticator apps use). */
export const TOTP_CODE_PATTERN = /^\d{6}$/;
/** A recovery code: 16 base32 characters in four groups (80 bits); case and dashes are forgiven on input. */
export const RECOVERY_CODE_PATTERN = /^[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}$/;
export const RECOVERY_CODE_COUNT = 10;

const tokenMessage = (name: string) => ({ message: `${name} is not a valid token` });

/** The property may not be given together with `other`. */
function NotWith(other: string, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'notWith',
      constraints: [other],
      validator: {
        validate: (_value, args) => (args?.object as Record<string, unknown>)[other] === undefined,
        defaultMessage: (args) => `${args?.property} and ${other} cannot both be given`,
      },
    },
    options,
  );
}

export class VerifyEmailDto {
  @ApiProperty({ description: 'The token of the verification link (`/verify-email?token=…`)', example: '665f1c2e8b3e4a0012345678.Q2hhbmdlIG1lIHRvIHRoZSB0b2tlbiBmcm9tIHRoZSBtYWls' })
  @IsString()
  @Matches(MAIL_TOKEN_PATTERN, tokenMessage('token'))
  token!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token of the reset link (`/reset-password?token=…`)' })
  @IsString()
  @Matches(MAIL_TOKEN_PATTERN, tokenMessage('token'))
  token!: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH, writeOnly: true })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

/** What `users.reset-password` answers: whose password it was, so oauth ends that account's sessions. */
export interface PasswordResetDone {
  userId: string;
}

/** A second factor: a current TOTP code, or one of the recovery codes (exactly one of the two). */
export class SecondFactorDto {
  @ApiPropertyOptional({ example: '123456', description: 'The current code of the authenticator app' })
  @ValidateIf((dto: SecondFactorDto) => dto.recoveryCode === undefined || dto.code !== undefined)
  @IsString()
  @Matches(TOTP_CODE_PATTERN, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ example: 'abcd-efgh-ijkl-mnop', description: 'One of the recovery codes given at enrolment; each works once' })
  @ValidateIf((dto: SecondFactorDto) => dto.recoveryCode !== undefined)
  @IsString()
  @Matches(RECOVERY_CODE_PATTERN, { message: 'recoveryCode is not a recovery code' })
  @NotWith('code')
  recoveryCode?: string;
}

export class LoginMfaDto extends SecondFactorDto {
  @ApiProperty({ description: 'The `mfaToken` of the login answer; valid 5 minutes, for a few attempts' })
  @Matches(REFRESH_TOKEN_PATTERN, { message: 'mfaToken is not a valid token' })
  mfaToken!: string;
}

/** Login's answer when the account has two-factor authentication: finish with `POST /auth/login/mfa`. */
export class MfaChallengeDto {
  @ApiProperty({ enum: [true] })
  mfaRequired!: true;

  @ApiProperty({ description: 'Opaque; send it with the code to `POST /api/v1/auth/login/mfa`' })
  mfaToken!: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456', description: 'The current code of the authenticator app' })
  @IsString()
  @Matches(TOTP_CODE_PATTERN, { message: 'code must be 6 digits' })
  code!: string;
}

export class TotpSetupDto {
  @ApiProperty({ description: 'The shared secret in base32, for typing into an authenticator app', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  secret!: string;

  @ApiProperty({ example: 'otpauth://totp/site11:ada%40example.com?secret=…&issuer=site11' })
  otpauthUri!: string;

  @ApiProperty({ description: 'The otpauth URI as a QR code: a PNG data URL', example: 'data:image/png;base64,iVBORw0KGgo…' })
  qrCode!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: `${RECOVERY_CODE_COUNT} single-use codes, shown once: keep them safe` })
  recoveryCodes!: string[];
}

/** `DELETE /auth/me`: the password, and the second factor when the account has one. */
export class DeleteAccountDto {
  @ApiProperty({ writeOnly: true })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiPropertyOptional({ example: '123456', description: 'Required when two-factor authentication is on (or `recoveryCode`)' })
  @IsOptional()
  @IsString()
  @Matches(TOTP_CODE_PATTERN, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ example: 'abcd-efgh-ijkl-mnop' })
  @IsOptional()
  @IsString()
  @Matches(RECOVERY_CODE_PATTERN, { message: 'recoveryCode is not a recovery code' })
  @NotWith('code')
  recoveryCode?: string;
}

/** `users.delete-self`: the caller deletes their own account, proving password and second factor. */
export class DeleteSelfCommand extends DeleteAccountDto {
  @IsString()
  @Matches(/^[a-f0-9]{24}$/)
  id!: string;
}

/** `users.mfa.totp-disable`: a current code (or a recovery code) of the caller's own account. */
export class DisableTotpCommand extends SecondFactorDto {}

/** `users.mfa.verify` (oauth only): the account's second factor at sign-in. */
export class VerifySecondFactorCommand extends SecondFactorDto {
  @IsString()
  @Matches(/^[a-f0-9]{24}$/)
  id!: string;
}

/** `oauth.authorize-login-mfa`: the code form of the authorization server's sign-in page. */
export class AuthorizeLoginMfaCommand {
  @IsString()
  @Length(1, 100)
  request!: string;

  @IsString()
  @Length(1, 100)
  csrf!: string;

  @IsString()
  @MaxLength(100)
  mfaToken!: string;

  @IsString()
  @MaxLength(40)
  code!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  browser?: string;
}

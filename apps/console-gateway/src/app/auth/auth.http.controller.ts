import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ReadCache } from '@site11/cache';
import { type AuthUser, CurrentUser, Public, Roles, Scopes } from '@site11/gateway-auth';
import {
  AuditEvents,
  auditRecord,
  ClientIdParamDto,
  DeleteAccountDto,
  GrantListDto,
  ChangePasswordDto,
  LoginDto,
  LoginMfaDto,
  MfaChallengeDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RecoveryCodesDto,
  SecondFactorDto,
  TotpCodeDto,
  TotpSetupDto,
  VerifyEmailDto,
  LogoutDto,
  OAuthPatterns,
  RefreshDto,
  RegisterDto,
  KeyRotationDto,
  KeyWithdrawalDto,
  SessionIdDto,
  SigningKeyIdDto,
  SessionListDto,
  TokenPairDto,
  UserDto,
  UsersPatterns,
} from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { AUTH_BODY_LIMIT_BYTES, BodyLimit } from '../http/body-limit';
import type { FastifyReply } from 'fastify';
import { cacheRef } from '../http/cached-resources';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';
import { RateLimit } from '../http/rate-limit.interceptor';
import { AccountExportDto, exportAccount } from './account-export';

/** Login answers tokens, or (TOTP on) a challenge to finish with `POST /auth/login/mfa`. */
const LOGIN_RESPONSE = { oneOf: [{ $ref: getSchemaPath(TokenPairDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] };

@ApiTags('auth')
@ApiErrors(400, 503, 504)
@ApiExtraModels(TokenPairDto, MfaChallengeDto)
@Controller('auth')
export class AuthHttpController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly cache: ReadCache,
  ) {}

  /** After a committed change of the caller's account, before the reply: their next read sees it. */
  private async invalidate(id: string): Promise<void> {
    await this.cache.invalidate(cacheRef('users', id)).catch(() => undefined); // Redis away: nothing is served from it either; the event retries
  }

  @Public()
  @Post('register')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @RateLimit({ action: 'register', account: { field: 'email' } })
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(409, 429)
  register(@Body() dto: RegisterDto, @Call() call: CallOptions): Promise<UserDto> {
    return this.rpc.send(OAuthPatterns.register, dto, call);
  }

  @Public()
  @Post('login')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @RateLimit({ action: 'login', account: { field: 'email' } })
  @ApiOperation({
    summary: 'Exchange email and password for tokens',
    description:
      'With two-factor authentication on, the answer is `{ mfaRequired: true, mfaToken }` instead: send the token with a code to `POST /auth/login/mfa`. With REQUIRE_VERIFIED_EMAIL, an unverified account gets 403 `AUTH.EMAIL_NOT_VERIFIED`.',
  })
  @ApiOkResponse({ schema: LOGIN_RESPONSE })
  @ApiErrors(401, 403, 429)
  login(@Body() dto: LoginDto, @Call() call: CallOptions): Promise<TokenPairDto | MfaChallengeDto> {
    return this.rpc.send(OAuthPatterns.login, dto, call);
  }

  @Public()
  @Post('login/mfa')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @RateLimit({ action: 'login-mfa', account: { field: 'mfaToken' } })
  @ApiOperation({
    summary: 'Finish a login with a TOTP code or a recovery code',
    description: 'Each code works once (a replay is refused); a challenge allows 5 attempts within 5 minutes.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrors(401, 429)
  loginMfa(@Body() dto: LoginMfaDto, @Call() call: CallOptions): Promise<TokenPairDto> {
    return this.rpc.send(OAuthPatterns.loginMfa, dto, call);
  }

  @Public()
  @Post('verify-email')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(204)
  @RateLimit({ action: 'verify-email', account: 'none' })
  @ApiOperation({ summary: 'Prove the address with the link mailed to it (single use, 24 hours)' })
  @ApiNoContentResponse()
  @ApiErrors(429)
  async verifyEmail(@Body() dto: VerifyEmailDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(UsersPatterns.verifyEmail, dto, call);
  }

  @Public()
  @Post('verify-email/resend')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(202)
  @RateLimit({ action: 'verify-email-resend', account: { field: 'email' }, forgiveSuccess: false })
  @ApiOperation({
    summary: 'Send a new verification link',
    description: '202 whatever the address: a mail goes out only if it is an account’s and not verified yet.',
  })
  @ApiAcceptedResponse()
  @ApiErrors(429)
  async resendVerification(@Body() dto: PasswordResetRequestDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(UsersPatterns.resendVerification, dto, call);
  }

  @Public()
  @Post('password-reset')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(202)
  @RateLimit({ action: 'password-reset', account: { field: 'email' }, forgiveSuccess: false })
  @ApiOperation({
    summary: 'Mail a password-reset link (single use, 30 minutes)',
    description: '202 whatever the address, with the same work done either way: the answer does not tell whether an account has it.',
  })
  @ApiAcceptedResponse()
  @ApiErrors(429)
  async requestPasswordReset(@Body() dto: PasswordResetRequestDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(UsersPatterns.requestPasswordReset, dto, call);
  }

  @Public()
  @Post('password-reset/confirm')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(204)
  @RateLimit({ action: 'password-reset-confirm', account: 'none' })
  @ApiOperation({ summary: 'Set a new password with a reset link; every session of the account ends' })
  @ApiNoContentResponse()
  @ApiErrors(429)
  async confirmPasswordReset(@Body() dto: PasswordResetConfirmDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(OAuthPatterns.confirmPasswordReset, dto, call);
  }

  @Post('mfa/totp/setup')
  @HttpCode(200)
  @RateLimit({ action: 'mfa-setup', account: 'user' })
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Start TOTP enrolment: a new secret, its otpauth URI and QR code; confirm within 15 minutes' })
  @ApiOkResponse({ type: TotpSetupDto })
  @ApiErrors(401, 409, 429)
  totpSetup(@Call() call: CallOptions): Promise<TotpSetupDto> {
    return this.rpc.send(UsersPatterns.totpSetup, {}, call);
  }

  @Post('mfa/totp/confirm')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @RateLimit({ action: 'mfa-confirm', account: 'user' })
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Turn TOTP on with a code of the new secret; answers 10 single-use recovery codes, shown once' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiErrors(401, 409, 422, 429)
  async totpConfirm(@Body() dto: TotpCodeDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<RecoveryCodesDto> {
    const codes = await this.rpc.send<RecoveryCodesDto>(UsersPatterns.totpConfirm, dto, call);
    await this.invalidate(user.sub);
    return codes;
  }

  @Delete('mfa/totp')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(204)
  @RateLimit({ action: 'mfa-disable', account: 'user' })
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Turn TOTP off, with a current code (or a recovery code)' })
  @ApiNoContentResponse()
  @ApiErrors(401, 422, 429)
  async totpDisable(@Body() dto: SecondFactorDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(UsersPatterns.totpDisable, dto, call);
    await this.invalidate(user.sub);
  }

  @Public()
  @Post('refresh')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @RateLimit({ action: 'refresh', account: { field: 'refreshToken' } })
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old one stops working' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrors(401, 429)
  refresh(@Body() dto: RefreshDto, @Call() call: CallOptions): Promise<TokenPairDto> {
    return this.rpc.send(OAuthPatterns.refresh, dto, call);
  }

  @Post('logout')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End the session: revoke its refresh tokens and this access token' })
  @ApiNoContentResponse()
  @ApiErrors(401)
  async logout(@Body() dto: LogoutDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<void> {
    // oauth revokes the session and denylists its sid: every access token it was given, this one included
    await this.rpc.send(OAuthPatterns.logout, { sid: user.sid, ...(dto.refreshToken ? { refreshToken: dto.refreshToken } : {}) }, call);
  }

  @Post('password')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(204)
  @RateLimit({ action: 'password', account: 'user' })
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the caller’s password; every other session ends' })
  @ApiNoContentResponse()
  @ApiErrors(401, 429)
  async changePassword(@Body() dto: ChangePasswordDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(OAuthPatterns.changePassword, { ...dto, sid: user.sid }, call);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End every session of the caller, this one included, with all their access tokens' })
  @ApiNoContentResponse()
  @ApiErrors(401)
  async logoutAll(@Call() call: CallOptions): Promise<void> {
    await this.rpc.send(OAuthPatterns.logoutAll, {}, call);
  }

  @Get('sessions')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller’s open sessions (one per login), the current one marked' })
  @ApiOkResponse({ type: SessionListDto })
  @ApiErrors(401)
  sessions(@CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<SessionListDto> {
    return this.rpc.send(OAuthPatterns.listSessions, { sid: user.sid }, call);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End one of the caller’s sessions and its access tokens' })
  @ApiNoContentResponse()
  @ApiErrors(401, 404)
  async endSession(@Param() params: SessionIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(OAuthPatterns.revokeSession, params, call);
  }

  @Get('grants')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The applications I authorized, with the scopes I allowed them' })
  @ApiOkResponse({ type: GrantListDto })
  @ApiErrors(401)
  grants(@Call() call: CallOptions): Promise<GrantListDto> {
    return this.rpc.send(OAuthPatterns.listGrants, {}, call);
  }

  @Delete('grants/:clientId')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke an application’s access: the grant and every token it holds for me' })
  @ApiNoContentResponse()
  @ApiErrors(401, 404)
  async revokeGrant(@Param() params: ClientIdParamDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(OAuthPatterns.revokeGrant, params, call);
  }

  @Get('me')
  @Scopes('users:read')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The authenticated user' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(401)
  me(@CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.findById, { id: user.sub }, call);
  }

  @Get('me/export')
  @RateLimit({ action: 'export', account: 'user' })
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Download everything the platform keeps about me: profile, sessions, applications, grants, dataset and image metadata' })
  @ApiOkResponse({ type: AccountExportDto })
  @ApiErrors(401, 429)
  async exportMe(@CurrentUser() user: AuthUser, @Call() call: CallOptions, @Res({ passthrough: true }) reply: FastifyReply): Promise<AccountExportDto> {
    void reply.header('content-disposition', 'attachment; filename="site11-account-export.json"').header('cache-control', 'no-store');
    const exported = await exportAccount(this.rpc, user, call);
    // no export leaves without its audit record
    await this.rpc.emit(AuditEvents.gateway, auditRecord(call, { actor: user.sub, action: 'auth.account.exported', target: `user:${user.sub}` }), { requestId: call.requestId });
    return exported;
  }

  @Delete('me')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(204)
  @RateLimit({ action: 'delete-account', account: 'user' })
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Delete my account: password, and a TOTP or recovery code when two-factor is on',
    description: 'Every session ends at once; the other services remove or anonymise the account’s data (`users.deleted`). Download `GET /auth/me/export` first.',
  })
  @ApiNoContentResponse()
  @ApiErrors(401, 429)
  async deleteMe(@Body() dto: DeleteAccountDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(OAuthPatterns.deleteAccount, dto, call);
    await this.invalidate(user.sub);
  }

  @Post('keys/rotate')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Make a new signing key current; tokens signed by the previous one stay valid' })
  @ApiOkResponse({ type: KeyRotationDto })
  @ApiErrors(401, 403)
  rotateKeys(@Call() call: CallOptions): Promise<KeyRotationDto> {
    return this.rpc.send(OAuthPatterns.rotateKeys, {}, call);
  }

  @Post('keys/:kid/withdraw')
  @HttpCode(200)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Withdraw a compromised signing key: every token it signed is refused at once; sessions continue under a new key',
  })
  @ApiOkResponse({ type: KeyWithdrawalDto })
  @ApiErrors(401, 403, 404)
  withdrawKey(@Param() params: SigningKeyIdDto, @Call() call: CallOptions): Promise<KeyWithdrawalDto> {
    return this.rpc.send(OAuthPatterns.withdrawKey, params, call);
  }
}

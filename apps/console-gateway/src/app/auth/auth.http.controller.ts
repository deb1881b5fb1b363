import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Public, Roles, Scopes } from '@site11/gateway-auth';
import {
  ClientIdParamDto,
  GrantListDto,
  ChangePasswordDto,
  LoginDto,
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
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';
import { RateLimit, RateLimitInterceptor } from '../http/rate-limit.interceptor';

@ApiTags('auth')
@ApiErrors(400, 503, 504)
@Controller('auth')
@UseInterceptors(RateLimitInterceptor)
export class AuthHttpController {
  constructor(
    private readonly rpc: RpcClient,
  ) {}

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
  @ApiOperation({ summary: 'Exchange email and password for tokens' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiErrors(401, 429)
  login(@Body() dto: LoginDto, @Call() call: CallOptions): Promise<TokenPairDto> {
    return this.rpc.send(OAuthPatterns.login, dto, call);
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

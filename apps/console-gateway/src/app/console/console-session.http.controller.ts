import { Body, Controller, Delete, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import '@fastify/cookie';
import {
  AuthErrors,
  CONSOLE_HEADER,
  ConsoleSessionDto,
  DomainError,
  ErrorKind,
  LoginDto,
  LoginMfaDto,
  MfaChallengeDto,
  OAuthPatterns,
  type TokenPairDto,
} from '@site11/contracts';
import { type AuthUser, CurrentUser, Public } from '@site11/gateway-auth';
import { type CallOptions, RpcClient } from '@site11/messaging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AUTH_BODY_LIMIT_BYTES, BodyLimit } from '../http/body-limit';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';
import { RateLimit } from '../http/rate-limit.interceptor';
import { ConsoleHeaderGuard } from './console-header.guard';

/** The console's refresh-token cookie: HttpOnly, sent only to these routes. */
export const CONSOLE_REFRESH_COOKIE = 'site11_console_refresh';
export const CONSOLE_SESSION_PATH = '/api/v1/console/session';

/**
 * Sign-in for the browser console. The same flows as `/auth/login`, `/auth/refresh` and
 * `/auth/logout`, but the refresh token never reaches JavaScript: it is set as an
 * `HttpOnly; Secure; SameSite=Strict` cookie scoped to this path, and the body carries only the
 * access token, which the console keeps in memory. CSRF: the cookie is never sent cross-site
 * (SameSite=Strict), and every route also needs the `X-Site11-Console: 1` header, which a
 * cross-site form cannot send and a cross-origin script cannot send without a CORS grant.
 */
@ApiTags('console')
@ApiHeader({ name: CONSOLE_HEADER, required: true, description: 'Must be `1` (CSRF defence)', schema: { type: 'string', enum: ['1'] } })
@ApiErrors(400, 403, 503, 504)
@ApiExtraModels(ConsoleSessionDto, MfaChallengeDto)
@Controller('console/session')
@UseGuards(ConsoleHeaderGuard)
export class ConsoleSessionHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Public()
  @Post()
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @RateLimit({ action: 'login', account: { field: 'email' } })
  @ApiOperation({
    summary: 'Sign the console in: access token in the body, refresh token in an HttpOnly cookie',
    description: 'With two-factor authentication on: `{ mfaRequired: true, mfaToken }` and no cookie; finish with `POST /console/session/mfa`.',
  })
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(ConsoleSessionDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] },
    headers: { 'Set-Cookie': { description: `${CONSOLE_REFRESH_COOKIE}; HttpOnly; Secure; SameSite=Strict; Path=${CONSOLE_SESSION_PATH}`, schema: { type: 'string' } } },
  })
  @ApiErrors(401, 429)
  async signIn(@Body() dto: LoginDto, @Call() call: CallOptions, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionDto | MfaChallengeDto> {
    const answer = await this.rpc.send<TokenPairDto | MfaChallengeDto>(OAuthPatterns.login, dto, call);
    return 'mfaRequired' in answer ? answer : this.issue(answer, reply);
  }

  @Public()
  @Post('mfa')
  @BodyLimit(AUTH_BODY_LIMIT_BYTES)
  @HttpCode(200)
  @RateLimit({ action: 'login-mfa', account: { field: 'mfaToken' } })
  @ApiOperation({ summary: 'Finish the console’s sign-in with a TOTP code or a recovery code' })
  @ApiOkResponse({ type: ConsoleSessionDto })
  @ApiErrors(401, 429)
  async signInMfa(@Body() dto: LoginMfaDto, @Call() call: CallOptions, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionDto> {
    return this.issue(await this.rpc.send<TokenPairDto>(OAuthPatterns.loginMfa, dto, call), reply);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @RateLimit({ action: 'refresh', account: { cookie: CONSOLE_REFRESH_COOKIE } })
  @ApiOperation({ summary: 'Renew the console’s access token with its refresh cookie; the cookie is rotated' })
  @ApiOkResponse({ type: ConsoleSessionDto })
  @ApiErrors(401, 429)
  async refresh(@Req() request: FastifyRequest, @Call() call: CallOptions, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleSessionDto> {
    const refreshToken = request.cookies[CONSOLE_REFRESH_COOKIE];
    try {
      if (!refreshToken) throw new DomainError(AuthErrors.invalidRefreshToken, ErrorKind.Unauthenticated, 'No console session: sign in');
      return this.issue(await this.rpc.send<TokenPairDto>(OAuthPatterns.refresh, { refreshToken }, call), reply);
    } catch (error) {
      // a cookie that no longer works is of no use to keep
      if (isAuthFailure(error)) clearRefreshCookie(reply);
      throw error;
    }
  }

  @Delete()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Sign the console out: end this session and clear its cookie' })
  @ApiNoContentResponse()
  @ApiErrors(401)
  async signOut(
    @Req() request: FastifyRequest,
    @CurrentUser() user: AuthUser,
    @Call() call: CallOptions,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const refreshToken = request.cookies[CONSOLE_REFRESH_COOKIE];
    clearRefreshCookie(reply);
    await this.rpc.send(OAuthPatterns.logout, { sid: user.sid, ...(refreshToken ? { refreshToken } : {}) }, call);
  }

  private issue(pair: TokenPairDto, reply: FastifyReply): ConsoleSessionDto {
    reply.setCookie(CONSOLE_REFRESH_COOKIE, pair.refreshToken, {
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: CONSOLE_SESSION_PATH,
      // the session itself ends on the server whatever the browser keeps
      maxAge: REFRESH_COOKIE_MAX_AGE_SECONDS,
    });
    return { accessToken: pair.accessToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn };
  }
}

/** As long as oauth's longest refresh-token lifetime (30 days); the server decides when it really ends. */
const REFRESH_COOKIE_MAX_AGE_SECONDS = 30 * 24 * 3600;

function clearRefreshCookie(reply: FastifyReply): void {
  reply.clearCookie(CONSOLE_REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: CONSOLE_SESSION_PATH });
}

function isAuthFailure(error: unknown): boolean {
  return error instanceof DomainError && error.code === AuthErrors.invalidRefreshToken;
}

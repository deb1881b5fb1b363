import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { forbidden } from '@site11/auth';
import { type AuthUser, CurrentUser, Roles } from '@site11/gateway-auth';
import {
  CreateUserDto,
  isAdmin,
  ListUsersQueryDto,
  type Page,
  UpdateUserDto,
  UserDto,
  UserIdDto,
  UserPageDto,
  UsersPatterns,
} from '@site11/contracts';
import { type CacheMode, ReadCache } from '@site11/cache';
import { type CallOptions, RpcClient } from '@site11/messaging';
import { AdminReads } from '../http/admin-reads';
import { ReadCacheMode } from '../http/cache-mode';
import { Call } from '../http/call-context';
import { cacheRef } from '../http/cached-resources';
import { ApiErrors } from '../http/error-response';

/**
 * The cached representation of a user: every caller who may read the account (checked before the
 * cache) sees the same `UserDto`. Named after the DTO's shape, so a release that changes it
 * starts with entries of its own.
 */
const USER_VIEW = 'user-dto-v2';

/** Reading or changing another user's account needs the admin role; so does changing roles. */
function assertSelfOrAdmin(user: AuthUser, id: string): void {
  if (user.sub !== id && !isAdmin(user)) throw forbidden('You may only access your own account');
}

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('users')
export class UsersHttpController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly cache: ReadCache,
    private readonly adminReads: AdminReads,
  ) {}

  /** After a committed write, before its reply: the writer's next read sees the write. */
  private async invalidate(id: string): Promise<void> {
    await this.cache.invalidate(cacheRef('users', id)).catch(() => undefined); // Redis away: nothing is served from it either; the event retries
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admin)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(409, 413)
  create(@Body() dto: CreateUserDto, @Call() call: CallOptions): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.create, dto, call);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users, optionally by email or name prefix, one page at a time (admin)' })
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() query: ListUsersQueryDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<Page<UserDto>> {
    const page = await this.rpc.send<Page<UserDto>>(UsersPatterns.list, query, call);
    // a page of accounts is a read of each of them (the admin's own aside), recorded as one
    await this.adminReads.recordAll(
      user.sub,
      page.items.filter((item) => item.id !== user.sub).map((item) => `user:${item.id}`),
      call,
    );
    return page;
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a user (themself or admin)',
    description:
      'Served from the gateway’s read cache when it holds the current version (`x-cache: hit`); `Cache-Control: no-cache` asks the users service (`x-cache: bypass`). A change is visible to its writer at once and to every reader as soon as it is committed.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(404)
  async findById(
    @Param() params: UserIdDto,
    @CurrentUser() user: AuthUser,
    @Call() call: CallOptions,
    @ReadCacheMode() mode: CacheMode,
  ): Promise<UserDto> {
    // authorization first: whoever passes may see this one representation
    assertSelfOrAdmin(user, params.id);
    if (user.sub !== params.id.toLowerCase()) await this.adminReads.record(user.sub, `user:${params.id.toLowerCase()}`, call);
    return this.cache.read(cacheRef('users', params.id), USER_VIEW, () => this.rpc.send<UserDto>(UsersPatterns.findById, params, call), mode);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user’s name or profile (themself or admin); roles (admin only)' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(404, 413)
  async update(
    @Param() { id }: UserIdDto,
    @Body() dto: UpdateUserDto,
    @CurrentUser() user: AuthUser,
    @Call() call: CallOptions,
  ): Promise<UserDto> {
    assertSelfOrAdmin(user, id);
    if (dto.roles !== undefined && !isAdmin(user)) throw forbidden('Only an admin can change roles');
    const updated = await this.rpc.send<UserDto>(UsersPatterns.update, { ...dto, id }, call);
    await this.invalidate(id);
    return updated;
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a user (admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: UserIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(UsersPatterns.remove, params, call);
    await this.invalidate(params.id);
  }
}

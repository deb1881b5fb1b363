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
import { type CallOptions, RpcClient } from '@site11/messaging';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/** Reading or changing another user's account needs the admin role; so does changing roles. */
function assertSelfOrAdmin(user: AuthUser, id: string): void {
  if (user.sub !== id && !isAdmin(user)) throw forbidden('You may only access your own account');
}

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('users')
export class UsersHttpController {
  constructor(private readonly rpc: RpcClient) {}

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
  list(@Query() query: ListUsersQueryDto, @Call() call: CallOptions): Promise<Page<UserDto>> {
    return this.rpc.send(UsersPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user (themself or admin)' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(404)
  findById(@Param() params: UserIdDto, @CurrentUser() user: AuthUser, @Call() call: CallOptions): Promise<UserDto> {
    assertSelfOrAdmin(user, params.id);
    return this.rpc.send(UsersPatterns.findById, params, call);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user’s name or profile (themself or admin); roles (admin only)' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(404, 413)
  update(
    @Param() { id }: UserIdDto,
    @Body() dto: UpdateUserDto,
    @CurrentUser() user: AuthUser,
    @Call() call: CallOptions,
  ): Promise<UserDto> {
    assertSelfOrAdmin(user, id);
    if (dto.roles !== undefined && !isAdmin(user)) throw forbidden('Only an admin can change roles');
    return this.rpc.send(UsersPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a user (admin)' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: UserIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(UsersPatterns.remove, params, call);
  }
}

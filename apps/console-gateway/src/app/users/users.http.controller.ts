import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CreateUserDto,
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

@ApiTags('users')
@ApiErrors(400, 503, 504)
@Controller('users')
export class UsersHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(409, 413)
  create(@Body() dto: CreateUserDto, @Call() call: CallOptions): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.create, dto, call);
  }

  @Get()
  @ApiOperation({ summary: 'List users, optionally by email or name prefix, one page at a time' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: ListUsersQueryDto, @Call() call: CallOptions): Promise<Page<UserDto>> {
    return this.rpc.send(UsersPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(404)
  findById(@Param() params: UserIdDto, @Call() call: CallOptions): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.findById, params, call);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user’s name or profile' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(404, 413)
  update(@Param() { id }: UserIdDto, @Body() dto: UpdateUserDto, @Call() call: CallOptions): Promise<UserDto> {
    return this.rpc.send(UsersPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  async remove(@Param() params: UserIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(UsersPatterns.remove, params, call);
  }
}

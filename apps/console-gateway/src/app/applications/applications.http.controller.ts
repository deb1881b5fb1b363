import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApplicationDto,
  ApplicationIdDto,
  ApplicationPageDto,
  ApplicationsPatterns,
  ClientSecretDto,
  CONFIG_MAX_BYTES,
  ConfigDiffDto,
  ConfigDiffQueryDto,
  ConfigEnvParamsDto,
  ConfigVersionDto,
  ConfigVersionPageDto,
  ConfigVersionParamsDto,
  ConfigVersionsQueryDto,
  CreateApplicationDto,
  CreateReleaseDto,
  ListApplicationsQueryDto,
  type Page,
  PageQueryDto,
  PutConfigDto,
  RegisteredApplicationDto,
  ReleaseDto,
  ReleasePageDto,
  ReleaseParamsDto,
  RollbackConfigDto,
  UpdateApplicationDto,
  ValidationError,
} from '@site11/contracts';
import { type CallOptions, RpcClient } from '@site11/messaging';
import type { FastifyReply } from 'fastify';
import { Scopes } from '@site11/gateway-auth';
import { BodyLimit } from '../http/body-limit';
import { Call } from '../http/call-context';
import { ApiErrors } from '../http/error-response';

/** `If-Match: "3"` → 3, `If-Match: *` → 0 (some version must exist), absent → undefined; a weak or malformed tag is refused. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return 0;
  const match = /^"([1-9]\d{0,9})"$/.exec(value);
  if (!match) {
    throw new ValidationError([{ field: 'If-Match', constraints: { etag: 'If-Match must be * or one strong entity tag of this API, e.g. "3"' } }]);
  }
  return Number(match[1]);
}

/** A configuration version's entity tag: its number, quoted. */
const etagOf = (version: number) => `"${version}"`;

/**
 * Registered OAuth applications (clients) with their configuration per environment and their
 * releases. Every route needs a token; whose application it is (and who may list others'), the
 * service decides.
 */
@ApiTags('applications')
@ApiBearerAuth()
@ApiErrors(400, 401, 403, 503, 504)
@Controller('applications')
export class ApplicationsHttpController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @ApiOperation({
    summary: 'Register an application',
    description: 'Returns its `clientId` and, for a confidential application, its `clientSecret`: shown this once, only its hash is kept.',
  })
  @ApiCreatedResponse({ type: RegisteredApplicationDto })
  @Scopes('applications:write')
  create(@Body() dto: CreateApplicationDto, @Call() call: CallOptions): Promise<RegisteredApplicationDto> {
    return this.rpc.send(ApplicationsPatterns.create, dto, call);
  }

  @Get()
  @ApiOperation({
    summary: 'List my applications, one page at a time',
    description: 'Admins may list everyone’s (`scope=all`) or one user’s (`ownerId`); anyone else gets 403 AUTH.FORBIDDEN for either.',
  })
  @ApiOkResponse({ type: ApplicationPageDto })
  @Scopes('applications:read')
  list(@Query() query: ListApplicationsQueryDto, @Call() call: CallOptions): Promise<Page<ApplicationDto>> {
    return this.rpc.send(ApplicationsPatterns.list, query, call);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an application (its owner or an admin)' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiErrors(404)
  @Scopes('applications:read')
  findById(@Param() params: ApplicationIdDto, @Call() call: CallOptions): Promise<ApplicationDto> {
    return this.rpc.send(ApplicationsPatterns.findById, params, call);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an application’s registration (not its type)' })
  @ApiOkResponse({ type: ApplicationDto })
  @ApiErrors(404)
  @Scopes('applications:write')
  update(@Param() { id }: ApplicationIdDto, @Body() dto: UpdateApplicationDto, @Call() call: CallOptions): Promise<ApplicationDto> {
    return this.rpc.send(ApplicationsPatterns.update, { ...dto, id }, call);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an application', description: 'Its configuration and releases go with it, and every token and grant of its client is revoked.' })
  @ApiNoContentResponse()
  @ApiErrors(404)
  @Scopes('applications:write')
  async remove(@Param() params: ApplicationIdDto, @Call() call: CallOptions): Promise<void> {
    await this.rpc.send(ApplicationsPatterns.remove, params, call);
  }

  @Post(':id/secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the client secret',
    description: 'Returns the new secret, shown once. The previous one keeps working until `previousSecretExpiresAt` (24 hours by default).',
  })
  @ApiOkResponse({ type: ClientSecretDto })
  @ApiErrors(404, 422)
  @Scopes('applications:write')
  rotateSecret(@Param() params: ApplicationIdDto, @Call() call: CallOptions): Promise<ClientSecretDto> {
    return this.rpc.send(ApplicationsPatterns.rotateSecret, params, call);
  }

  @Put(':id/config/:env')
  @BodyLimit(2 * CONFIG_MAX_BYTES)
  @ApiOperation({
    summary: 'Publish a new configuration version for an environment',
    description: `Creates the next immutable version. With \`If-Match: "<version>"\` only if that version is still the latest (else 412); \`If-Match: *\` only if some version exists. Values above ${CONFIG_MAX_BYTES} bytes of JSON: 413.`,
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the version this change is based on' })
  @ApiOkResponse({ type: ConfigVersionDto, description: 'The new version; its ETag in the `ETag` header' })
  @ApiErrors(404, 412, 413)
  @Scopes('applications:write')
  async putConfig(
    @Param() { id, env }: ConfigEnvParamsDto,
    @Body() dto: PutConfigDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Call() call: CallOptions,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConfigVersionDto> {
    const version = await this.rpc.send<ConfigVersionDto>(ApplicationsPatterns.putConfig, { ...dto, id, env, ifMatch: parseIfMatch(ifMatch) }, call);
    void reply.header('etag', etagOf(version.version));
    return version;
  }

  @Get(':id/config/:env')
  @ApiOperation({ summary: 'Get the latest configuration of an environment', description: 'Its version is also the `ETag`.' })
  @ApiOkResponse({ type: ConfigVersionDto })
  @ApiErrors(404)
  @Scopes('applications:read')
  async getConfig(@Param() params: ConfigEnvParamsDto, @Call() call: CallOptions, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConfigVersionDto> {
    const version = await this.rpc.send<ConfigVersionDto>(ApplicationsPatterns.getConfig, params, call);
    void reply.header('etag', etagOf(version.version));
    return version;
  }

  @Get(':id/config/:env/versions')
  @ApiOperation({ summary: 'List the configuration versions of an environment, newest first' })
  @ApiOkResponse({ type: ConfigVersionPageDto })
  @ApiErrors(404)
  @Scopes('applications:read')
  listConfigVersions(@Param() params: ConfigEnvParamsDto, @Query() query: ConfigVersionsQueryDto, @Call() call: CallOptions): Promise<ConfigVersionPageDto> {
    return this.rpc.send(ApplicationsPatterns.listConfigVersions, { ...query, ...params }, call);
  }

  @Get(':id/config/:env/versions/:version')
  @ApiOperation({ summary: 'Get one configuration version' })
  @ApiOkResponse({ type: ConfigVersionDto })
  @ApiErrors(404)
  @Scopes('applications:read')
  async getConfigVersion(
    @Param() params: ConfigVersionParamsDto,
    @Call() call: CallOptions,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConfigVersionDto> {
    const version = await this.rpc.send<ConfigVersionDto>(ApplicationsPatterns.getConfigVersion, params, call);
    void reply.header('etag', etagOf(version.version));
    return version;
  }

  @Get(':id/config/:env/diff')
  @ApiOperation({ summary: 'Compare two configuration versions', description: 'An RFC 6902 JSON Patch that turns version `from` into version `to`.' })
  @ApiOkResponse({ type: ConfigDiffDto })
  @ApiErrors(404)
  @Scopes('applications:read')
  diffConfig(@Param() params: ConfigEnvParamsDto, @Query() query: ConfigDiffQueryDto, @Call() call: CallOptions): Promise<ConfigDiffDto> {
    return this.rpc.send(ApplicationsPatterns.diffConfig, { ...query, ...params }, call);
  }

  @Post(':id/config/:env/rollback')
  @ApiOperation({ summary: 'Roll back: publish a new version equal to an earlier one' })
  @ApiCreatedResponse({ type: ConfigVersionDto })
  @ApiErrors(404)
  @Scopes('applications:write')
  async rollbackConfig(
    @Param() params: ConfigEnvParamsDto,
    @Body() dto: RollbackConfigDto,
    @Call() call: CallOptions,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConfigVersionDto> {
    const version = await this.rpc.send<ConfigVersionDto>(ApplicationsPatterns.rollbackConfig, { ...dto, ...params }, call);
    void reply.header('etag', etagOf(version.version));
    return version;
  }

  @Post(':id/releases')
  @ApiOperation({ summary: 'Make a release', description: 'A semantic version greater than every earlier one, pinning existing configuration versions.' })
  @ApiCreatedResponse({ type: ReleaseDto })
  @ApiErrors(404, 409, 422)
  @Scopes('applications:write')
  createRelease(@Param() { id }: ApplicationIdDto, @Body() dto: CreateReleaseDto, @Call() call: CallOptions): Promise<ReleaseDto> {
    return this.rpc.send(ApplicationsPatterns.createRelease, { ...dto, id }, call);
  }

  @Get(':id/releases')
  @ApiOperation({ summary: 'List the releases of an application, newest first' })
  @ApiOkResponse({ type: ReleasePageDto })
  @ApiErrors(404)
  @Scopes('applications:read')
  listReleases(@Param() { id }: ApplicationIdDto, @Query() query: PageQueryDto, @Call() call: CallOptions): Promise<Page<ReleaseDto>> {
    return this.rpc.send(ApplicationsPatterns.listReleases, { ...query, id }, call);
  }

  @Get(':id/releases/:version')
  @ApiOperation({ summary: 'Get a release' })
  @ApiOkResponse({ type: ReleaseDto })
  @ApiErrors(404)
  @Scopes('applications:read')
  getRelease(@Param() params: ReleaseParamsDto, @Call() call: CallOptions): Promise<ReleaseDto> {
    return this.rpc.send(ApplicationsPatterns.getRelease, params, call);
  }
}

import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsMongoId,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT, PageQueryDto } from '../common/page.dto';
import { Trim } from '../common/transforms';
import { type Scope, SCOPES } from '../auth/scopes';
import { IsRedirectUri, REDIRECT_URI_MAX_LENGTH } from './redirect-uri';

export const APPLICATIONS_PAGE_DEFAULT_LIMIT = PAGE_DEFAULT_LIMIT;
export const APPLICATION_TYPES = ['confidential', 'public'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export const MAX_REDIRECT_URIS = 10;
/** A configuration's values, as JSON, at most this many bytes (UTF-8). */
export const CONFIG_MAX_BYTES = 64 * 1024;
/** `development`, `staging`, `production`, or any other name of 1 to 32 of `[a-z0-9-]`. */
export const CONFIG_ENV_PATTERN = /^[a-z0-9-]{1,32}$/;
/** Semantic Versioning 2.0.0 (https://semver.org), without a leading `v`. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

const ID_MESSAGE = 'id must be a 24-character hex ObjectId';

export class CreateApplicationDto {
  @ApiProperty({ example: 'My dashboard', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({
    enum: APPLICATION_TYPES,
    description: '`confidential`: a server that keeps a client secret; `public`: a browser or native app (no secret, PKCE required). Cannot be changed.',
  })
  @IsIn(APPLICATION_TYPES)
  type!: ApplicationType;

  @ApiProperty({
    type: [String],
    maxItems: MAX_REDIRECT_URIS,
    example: ['https://app.example.com/callback', 'http://127.0.0.1/callback'],
    description: 'Matched exactly. https, or http only for localhost, 127.0.0.1 or [::1]; no fragment.',
  })
  @IsArray()
  @ArrayMaxSize(MAX_REDIRECT_URIS)
  @ArrayUnique()
  @IsRedirectUri({ each: true })
  redirectUris!: string[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_REDIRECT_URIS, description: 'Where RP-initiated logout may return; same rules as redirectUris.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REDIRECT_URIS)
  @ArrayUnique()
  @IsRedirectUri({ each: true })
  postLogoutRedirectUris?: string[];

  @ApiProperty({
    enum: GRANT_TYPES,
    isArray: true,
    example: ['authorization_code', 'refresh_token'],
    description: '`client_credentials` only for confidential applications; `refresh_token` only with `authorization_code`.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(GRANT_TYPES, { each: true })
  grantTypes!: GrantType[];

  @ApiProperty({ enum: SCOPES, isArray: true, example: ['openid', 'profile', 'email'], description: 'The most it may ask for.' })
  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPES, { each: true })
  scopes!: Scope[];

  @ApiPropertyOptional({ example: 'https://app.example.com', maxLength: REDIRECT_URI_MAX_LENGTH })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true, require_tld: false }, { message: 'homepageUrl must be an http(s) URL' })
  @MaxLength(REDIRECT_URI_MAX_LENGTH)
  homepageUrl?: string;

  @ApiPropertyOptional({ example: 'https://app.example.com/logo.png', maxLength: REDIRECT_URI_MAX_LENGTH })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'logoUrl must be an https URL' })
  @MaxLength(REDIRECT_URI_MAX_LENGTH)
  logoUrl?: string;
}

/** Everything but the type (a confidential app that became public would keep a secret nobody checks). */
export class UpdateApplicationDto extends PartialType(OmitType(CreateApplicationDto, ['type'] as const)) {}

export class ApplicationIdDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'ObjectId, 24 hex characters' })
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;
}

/** Payload of `applications.update`: the id from the path plus the patch from the body. */
export class UpdateApplicationCommand extends UpdateApplicationDto {
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;
}

/** The caller's own applications by default; everyone's or one user's for admins only. */
export class ListApplicationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['mine', 'all'], default: 'mine', description: '`all`: everyone’s applications (admins only; 403 AUTH.FORBIDDEN for anyone else)' })
  @IsOptional()
  @IsIn(['mine', 'all'])
  scope?: 'mine' | 'all';

  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678', description: 'Only this user’s applications (admins only; 403 AUTH.FORBIDDEN for anyone else)' })
  @IsOptional()
  @IsMongoId({ message: 'ownerId must be a 24-character hex ObjectId' })
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive prefix of the name', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

export class ApplicationDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ example: 'dGhpcyBpcyBhIGNsaWVudA', description: 'The OAuth client_id' })
  clientId!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The user who registered it' })
  ownerId!: string;

  @ApiProperty({ example: 'My dashboard' })
  name!: string;

  @ApiProperty({ enum: APPLICATION_TYPES })
  type!: ApplicationType;

  @ApiProperty({ type: [String] })
  redirectUris!: string[];

  @ApiProperty({ type: [String] })
  postLogoutRedirectUris!: string[];

  @ApiProperty({ enum: GRANT_TYPES, isArray: true })
  grantTypes!: GrantType[];

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes!: Scope[];

  @ApiProperty({ type: String, nullable: true })
  homepageUrl!: string | null;

  @ApiProperty({ type: String, nullable: true })
  logoUrl!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the client secret was last issued (confidential applications)' })
  secretIssuedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

/** The answer to a registration: the application, and its client secret, shown this once. */
export class RegisteredApplicationDto extends ApplicationDto {
  @ApiPropertyOptional({ example: 's11cs_…', description: 'Confidential applications only. Shown once: only its hash is stored.' })
  clientSecret?: string;
}

export class ClientSecretDto {
  @ApiProperty({ example: 's11cs_…', description: 'The new secret, shown once' })
  clientSecret!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Until when the previous secret still works (the rotation grace period)' })
  previousSecretExpiresAt!: string | null;
}

export class ApplicationPageDto {
  @ApiProperty({ type: () => [ApplicationDto] })
  items!: ApplicationDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

/** `applications.authenticate-client` (oauth only): a client id with the secret it presented. */
export class AuthenticateClientDto {
  @IsString()
  @Length(1, 100)
  clientId!: string;

  @IsString()
  @Length(1, 200)
  clientSecret!: string;
}

/** `applications.find-client` (oauth only). */
export class FindClientDto {
  @IsString()
  @Length(1, 100)
  clientId!: string;
}

// ---- configuration per environment -------------------------------------------------------

export class ConfigEnvParamsDto extends ApplicationIdDto {
  @ApiProperty({ example: 'production', pattern: CONFIG_ENV_PATTERN.source })
  @Matches(CONFIG_ENV_PATTERN, { message: 'env must be 1 to 32 of a-z, 0-9 and -' })
  env!: string;
}

export class PutConfigDto {
  @ApiProperty({ type: 'object', additionalProperties: true, example: { featureX: true, limits: { rps: 10 } }, description: `A JSON object, at most ${CONFIG_MAX_BYTES} bytes` })
  @IsObject()
  values!: Record<string, unknown>;

  @ApiProperty({ example: 'Raise the rate limit', minLength: 1, maxLength: 500 })
  @Trim()
  @IsString()
  @Length(1, 500)
  message!: string;
}

/** Payload of `applications.config.put`: path, body and the optional `If-Match` version. */
export class PutConfigCommand extends PutConfigDto {
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;

  @Matches(CONFIG_ENV_PATTERN, { message: 'env must be 1 to 32 of a-z, 0-9 and -' })
  env!: string;

  /** The version `If-Match` names; 0 for `If-Match: *` (some version must exist). */
  @IsOptional()
  @IsInt()
  @Min(0)
  ifMatch?: number;
}

export class ConfigVersionParamsDto extends ConfigEnvParamsDto {
  @ApiProperty({ example: 3, minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version!: number;
}

export class ConfigVersionsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: PAGE_MAX_LIMIT, default: PAGE_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ minimum: 2, description: 'Versions older than this one (the previous page’s `nextBefore`)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2)
  before?: number;
}

export class ConfigVersionsCommand extends ConfigVersionsQueryDto {
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;

  @Matches(CONFIG_ENV_PATTERN, { message: 'env must be 1 to 32 of a-z, 0-9 and -' })
  env!: string;
}

export class ConfigDiffQueryDto {
  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  from!: number;

  @ApiProperty({ minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  to!: number;
}

export class ConfigDiffCommand extends ConfigDiffQueryDto {
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;

  @Matches(CONFIG_ENV_PATTERN, { message: 'env must be 1 to 32 of a-z, 0-9 and -' })
  env!: string;
}

export class RollbackConfigDto {
  @ApiProperty({ minimum: 1, description: 'The version whose values become the new version' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ maxLength: 500, description: 'Default: "Roll back to version <n>"' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 500)
  message?: string;
}

export class RollbackConfigCommand extends RollbackConfigDto {
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;

  @Matches(CONFIG_ENV_PATTERN, { message: 'env must be 1 to 32 of a-z, 0-9 and -' })
  env!: string;
}

export class ConfigVersionSummaryDto {
  @ApiProperty({ example: 3 })
  version!: number;

  @ApiProperty()
  message!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The user who published it' })
  author!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class ConfigVersionDto extends ConfigVersionSummaryDto {
  @ApiProperty()
  applicationId!: string;

  @ApiProperty({ example: 'production' })
  env!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  values!: Record<string, unknown>;
}

export class ConfigVersionPageDto {
  @ApiProperty({ type: () => [ConfigVersionSummaryDto], description: 'Newest first' })
  items!: ConfigVersionSummaryDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `before` to get older versions' })
  nextBefore!: number | null;
}

export class JsonPatchOperationDto {
  @ApiProperty({ enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] })
  op!: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';

  @ApiProperty({ example: '/limits/rps', description: 'JSON Pointer (RFC 6901)' })
  path!: string;

  @ApiPropertyOptional({ description: 'The new value (add, replace, test)' })
  value?: unknown;

  @ApiPropertyOptional()
  from?: string;
}

export class ConfigDiffDto {
  @ApiProperty()
  from!: number;

  @ApiProperty()
  to!: number;

  @ApiProperty({ type: () => [JsonPatchOperationDto], description: 'RFC 6902 JSON Patch that turns `from` into `to`' })
  patch!: JsonPatchOperationDto[];
}

// ---- releases ------------------------------------------------------------------------------

export class CreateReleaseDto {
  @ApiProperty({ example: '1.4.0', description: 'Semantic version, unique and greater than every earlier release of the application' })
  @IsString()
  @MaxLength(64)
  @Matches(SEMVER_PATTERN, { message: 'version must be a semantic version such as 1.4.0' })
  version!: string;

  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  notes?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer', minimum: 1 },
    example: { production: 3, staging: 5 },
    description: 'The configuration version each environment is pinned to',
  })
  @IsObject()
  configVersions!: Record<string, number>;
}

export class CreateReleaseCommand extends CreateReleaseDto {
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;
}

export class ReleaseParamsDto extends ApplicationIdDto {
  @ApiProperty({ example: '1.4.0' })
  @IsString()
  @MaxLength(64)
  @Matches(SEMVER_PATTERN, { message: 'version must be a semantic version such as 1.4.0' })
  version!: string;
}

export class ListReleasesCommand extends PageQueryDto {
  @IsMongoId({ message: ID_MESSAGE })
  id!: string;
}

export class ReleaseDto {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  applicationId!: string;

  @ApiProperty({ example: '1.4.0' })
  version!: string;

  @ApiProperty()
  notes!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { production: 3 } })
  configVersions!: Record<string, number>;

  @ApiProperty({ description: 'The user who made it' })
  author!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class ReleasePageDto {
  @ApiProperty({ type: () => [ReleaseDto], description: 'Newest first' })
  items!: ReleaseDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsMongoId,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PAGE_CURSOR_PATTERN, PAGE_DEFAULT_LIMIT, PageQueryDto } from '../common/page.dto';
import { NormalizeEmail, Trim } from '../common/transforms';

export const USER_ROLES = ['user', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const USERS_PAGE_DEFAULT_LIMIT = PAGE_DEFAULT_LIMIT;
/**
 * The cursor of a `q` search answered by the users' search index: `s.` and the base64url form of
 * the last entry of the page (a lower-cased email or name and an id, at most about 1 KB), so it
 * can never be mistaken for a list's keyset cursor (`PAGE_CURSOR_PATTERN`).
 */
export const USERS_SEARCH_CURSOR_PATTERN = /^s\.[A-Za-z0-9_-]{4,1500}$/;
const USERS_CURSOR_PATTERN = new RegExp(`${PAGE_CURSOR_PATTERN.source}|${USERS_SEARCH_CURSOR_PATTERN.source}`);

export class ProfileDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Ada' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  bio?: string;

  @ApiPropertyOptional({ maxLength: 2048, example: 'https://example.com/ada.png' })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_protocol: true })
  @MaxLength(2048)
  avatarUrl?: string;

  @ApiPropertyOptional({ maxLength: 35, example: 'en-GB', description: 'BCP 47 language tag' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'locale must be a BCP 47 language tag' })
  @MaxLength(35)
  locale?: string;

  @ApiPropertyOptional({ maxLength: 64, example: 'Europe/London', description: 'IANA time zone name' })
  @IsOptional()
  @Matches(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/, { message: 'timezone must be an IANA time zone name' })
  @MaxLength(64)
  timezone?: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254, description: 'Stored trimmed and lower-cased' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    writeOnly: true,
    description: 'Stored only as an argon2id hash; never returned',
  })
  @IsOptional()
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Ada King', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ type: () => ProfileDto, description: 'Fields given are merged into the stored profile' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProfileDto)
  profile?: ProfileDto;

  @ApiPropertyOptional({ enum: USER_ROLES, isArray: true, description: 'Admins only' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(USER_ROLES.length)
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];
}

export class UserIdDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'ObjectId, 24 hex characters' })
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** Payload of `users.update`: the id from the path plus the patch from the body. */
export class UpdateUserCommand extends UpdateUserDto {
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive prefix of the email or the name', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  /** Replaces the inherited rule: a `q` search may page with a search cursor instead. */
  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page, with the same `q`' })
  @IsOptional()
  @Matches(USERS_CURSOR_PATTERN, { message: 'cursor is not a valid page cursor' })
  override cursor?: string = undefined;
}

export class UserDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true, example: ['user'] })
  roles!: UserRole[];

  @ApiProperty({ description: 'The owner proved the address by the link sent to it' })
  emailVerified!: boolean;

  @ApiProperty({ description: 'Sign-in asks for a TOTP code after the password' })
  mfaEnabled!: boolean;

  @ApiProperty({ type: () => ProfileDto })
  profile!: ProfileDto;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class UserPageDto {
  @ApiProperty({ type: () => [UserDto] })
  items!: UserDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PAGE_DEFAULT_LIMIT, PageQueryDto } from '../common/page.dto';
import { Trim } from '../common/transforms';

export const IMAGES_PAGE_DEFAULT_LIMIT = PAGE_DEFAULT_LIMIT;

export const IMAGE_VISIBILITIES = ['private', 'public'] as const;
export type ImageVisibility = (typeof IMAGE_VISIBILITIES)[number];

/** Sizes stored at upload: the longest side, in pixels (never enlarged). */
export const IMAGE_VARIANT_SIZES = { thumb: 256, medium: 1024, large: 2048 } as const;
export const IMAGE_VARIANTS = ['original', 'thumb', 'medium', 'large'] as const;
export type ImageVariantName = (typeof IMAGE_VARIANTS)[number];
export const IMAGE_FORMATS = ['webp', 'avif', 'jpeg', 'png'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** A file name as people type it: no path separators, no control characters. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
export const IMAGE_FILENAME_PATTERN = /^(?!\.{1,2}$)[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069/\\]{1,255}$/;

export class UpdateImageDto {
  @ApiPropertyOptional({ example: 'holiday.jpg', minLength: 1, maxLength: 255, description: 'No `/`, `\\` or control characters' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 255)
  @Matches(IMAGE_FILENAME_PATTERN, { message: 'filename must not contain /, \\ or control characters' })
  filename?: string;

  @ApiPropertyOptional({ enum: IMAGE_VISIBILITIES, description: '`public`: readable by anyone with its `publicUrl`; back to `private` ends that link for good' })
  @IsOptional()
  @IsIn(IMAGE_VISIBILITIES)
  visibility?: ImageVisibility;
}

export class ImageIdDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'ObjectId, 24 hex characters' })
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** Payload of `images.images.update`: the id from the path plus the patch from the body. */
export class UpdateImageCommand extends UpdateImageDto {
  @IsMongoId({ message: 'id must be a 24-character hex ObjectId' })
  id!: string;
}

/** The caller's own images by default; everyone's or one user's for admins only. */
export class ListImagesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ['mine', 'all'],
    default: 'mine',
    description: '`all`: everyone’s images (admins only; 403 AUTH.FORBIDDEN for anyone else)',
  })
  @IsOptional()
  @IsIn(['mine', 'all'])
  scope?: 'mine' | 'all';

  @ApiPropertyOptional({
    example: '665f1c2e8b3e4a0012345678',
    description: 'Only this user’s images (admins only; 403 AUTH.FORBIDDEN for anyone else)',
  })
  @IsOptional()
  @IsMongoId({ message: 'ownerId must be a 24-character hex ObjectId' })
  ownerId?: string;

  @ApiPropertyOptional({ description: 'Case-insensitive prefix of the file name', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

/** `?ownerId=` of the usage route: someone else's usage, for admins. */
export class ImageUsageQueryDto {
  @ApiPropertyOptional({ example: '665f1c2e8b3e4a0012345678', description: 'Another user’s usage (admins only)' })
  @IsOptional()
  @IsMongoId({ message: 'ownerId must be a 24-character hex ObjectId' })
  ownerId?: string;
}

/** `?variant=&format=` of the content route. */
export class ImageContentQueryDto {
  @ApiPropertyOptional({ enum: IMAGE_VARIANTS, default: 'original', description: 'thumb 256, medium 1024, large 2048 px on the longest side' })
  @IsOptional()
  @IsIn(IMAGE_VARIANTS)
  variant?: ImageVariantName;

  @ApiPropertyOptional({ enum: IMAGE_FORMATS, description: 'Converted on the first request, then served from storage. Default: the original’s own format; WebP for the other variants' })
  @IsOptional()
  @IsIn(IMAGE_FORMATS)
  format?: ImageFormat;
}

/** The token of a public link: 128 random bits, base64url. */
export class ImagePublicTokenDto {
  @ApiProperty({ example: 'q3bW1Jc4d8oPz0lYv2m9Xg' })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{22}$/, { message: 'token is not a public image token' })
  token!: string;
}

export class ImageVariantDto {
  @ApiProperty({ enum: IMAGE_VARIANTS })
  name!: ImageVariantName;

  @ApiProperty({ example: 'image/webp' })
  contentType!: string;

  @ApiProperty({ example: 256 })
  width!: number;

  @ApiProperty({ example: 171 })
  height!: number;

  @ApiProperty({ example: 10342 })
  bytes!: number;
}

export class ImageDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  id!: string;

  @ApiProperty({ example: '665f1c2e8b3e4a0012345678', description: 'The user who uploaded it' })
  ownerId!: string;

  @ApiProperty({ example: 'holiday.jpg' })
  filename!: string;

  @ApiProperty({ example: 'image/jpeg', description: 'Decided from the bytes' })
  contentType!: string;

  @ApiProperty({ example: 1048576, description: 'Size of the stored original (metadata stripped)' })
  bytes!: number;

  @ApiProperty({ example: 4000, description: 'After orientation from EXIF' })
  width!: number;

  @ApiProperty({ example: 3000 })
  height!: number;

  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: 'SHA-256 of the uploaded bytes (an identical upload by the same owner returns this image)' })
  sha256!: string;

  @ApiProperty({ type: () => [ImageVariantDto], description: 'The stored sizes (WebP); conversions to other formats are made on request' })
  variants!: ImageVariantDto[];

  @ApiProperty({ enum: IMAGE_VISIBILITIES })
  visibility!: ImageVisibility;

  @ApiPropertyOptional({ example: '/api/v1/images/public/q3bW1Jc4d8oPz0lYv2m9Xg/content', description: 'Only on public images: the link anyone may read, without a token' })
  publicUrl?: string;

  @ApiProperty({ enum: ['ready'], description: 'Variants are made during the upload, so an image exists only when ready' })
  status!: 'ready';

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ImagePageDto {
  @ApiProperty({ type: () => [ImageDto] })
  items!: ImageDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` to get the next page' })
  nextCursor!: string | null;
}

export class ImageUsageDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  ownerId!: string;

  @ApiProperty({ example: 12 })
  count!: number;

  @ApiProperty({ example: 15728640, description: 'Everything stored: originals and variants' })
  bytes!: number;

  @ApiProperty({ example: 524288000 })
  quotaBytes!: number;

  @ApiProperty({ example: 508559360 })
  remainingBytes!: number;
}

export class ImageOwnerUsageDto {
  @ApiProperty({ example: '665f1c2e8b3e4a0012345678' })
  ownerId!: string;

  @ApiProperty()
  count!: number;

  @ApiProperty()
  bytes!: number;
}

export class ImageStatsDto {
  @ApiProperty({ description: 'Live images' })
  count!: number;

  @ApiProperty({ description: 'Bytes stored for them: originals and variants' })
  bytes!: number;

  @ApiProperty({ description: 'Users with at least one image' })
  owners!: number;

  @ApiProperty({ type: () => [ImageOwnerUsageDto], description: 'Usage per user, largest first (at most 100)' })
  byOwner!: ImageOwnerUsageDto[];

  @ApiProperty({ description: 'Count per content type', example: { 'image/jpeg': 10, 'image/png': 2 } })
  byContentType!: Record<string, number>;

  @ApiProperty({ description: 'Files in storage (GridFS), referenced or not' })
  storedFiles!: number;

  @ApiProperty({ description: 'Bytes in storage (GridFS), referenced or not' })
  storedBytes!: number;
}

export class ImageSweepResultDto {
  @ApiProperty({ description: 'Stored files no image refers to, removed' })
  files!: number;

  @ApiProperty({ description: 'Chunks without a file, removed' })
  chunks!: number;
}

import { type ImageDto, IMAGE_VARIANTS, ImagesHttpPaths } from '@site11/contracts';
import type { Image } from './image.schema';

/** An image as queries read it: never its outbox. */
export type StoredImage = Omit<Image, 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt'>;

/** The public link as the gateway serves it (ImagesHttpPaths.publicContent behind /api/v1). */
export const publicUrlOf = (token: string): string => ImagesHttpPaths.publicContent(token).replace('/internal/', '/api/v1/');

export function toImageDto(image: StoredImage): ImageDto {
  return {
    id: image._id.toHexString(),
    ownerId: image.ownerId,
    filename: image.filename,
    contentType: image.contentType,
    bytes: image.bytes,
    width: image.width,
    height: image.height,
    sha256: image.sha256,
    // the stored sizes, in the order of IMAGE_VARIANTS; conversions are a cache, not part of the image
    variants: image.variants
      .filter((variant) => !variant.converted)
      .sort((a, b) => IMAGE_VARIANTS.indexOf(a.name) - IMAGE_VARIANTS.indexOf(b.name))
      .map(({ name, contentType, width, height, bytes }) => ({ name, contentType, width, height, bytes })),
    visibility: image.visibility,
    ...(image.visibility === 'public' ? { publicUrl: publicUrlOf(image.publicToken) } : {}),
    status: 'ready',
    createdAt: image.createdAt.toISOString(),
    updatedAt: image.updatedAt.toISOString(),
  };
}

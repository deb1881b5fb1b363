import type { ImageDto } from '@site11/contracts';
import type { Image } from './image.schema';

/** An image as queries read it: never its outbox. */
export type StoredImage = Omit<Image, 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt' | 'nameLower'>;

export function toImageDto(image: StoredImage): ImageDto {
  return {
    id: image._id.toHexString(),
    ownerId: image.ownerId,
    name: image.name,
    description: image.description ?? '',
    createdAt: image.createdAt.toISOString(),
    updatedAt: image.updatedAt.toISOString(),
  };
}

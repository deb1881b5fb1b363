import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ImagesConfig } from '../images.config';
import type { Image } from './image.schema';

/**
 * Recently read images (their metadata: owner, visibility, stored renditions), by id and by
 * public token, for the content route only: a gallery page asks for a dozen thumbnails at once,
 * and each would otherwise read its image from the database. Entries live
 * IMAGES_METADATA_CACHE_MS; this replica forgets an image the moment it changes it (rename,
 * visibility, a new conversion, delete). What another replica changed is seen within the TTL:
 * a deleted image, or a public link just turned off, may still be served by this replica for
 * that long (documented in docs/images.md). Who may read it is checked on every request.
 */
@Injectable()
export class ImageCache {
  private readonly byId: LRUCache<string, Image> | null;
  private readonly idByToken: LRUCache<string, string> | null;

  constructor(config: ImagesConfig) {
    const ttl = config.IMAGES_METADATA_CACHE_MS;
    this.byId = ttl > 0 ? new LRUCache<string, Image>({ max: 10_000, ttl }) : null;
    this.idByToken = ttl > 0 ? new LRUCache<string, string>({ max: 10_000, ttl }) : null;
  }

  async byIdOr(id: string, load: () => Promise<Image | null>): Promise<Image | null> {
    const hit = this.byId?.get(id);
    if (hit) return hit;
    const image = await load();
    if (image) this.byId?.set(id, image);
    return image;
  }

  async byTokenOr(token: string, load: () => Promise<Image | null>): Promise<Image | null> {
    const id = this.idByToken?.get(token);
    const hit = id ? this.byId?.get(id) : undefined;
    if (hit && hit.publicToken === token) return hit;
    const image = await load();
    if (image) {
      this.byId?.set(image._id.toHexString(), image);
      this.idByToken?.set(token, image._id.toHexString());
    }
    return image;
  }

  forget(id: string): void {
    this.byId?.delete(id);
  }
}

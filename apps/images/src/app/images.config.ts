import { ServiceConfig } from '@site11/config';
import { IsInt, Matches, Max, Min } from 'class-validator';

export class ImagesConfig extends ServiceConfig {
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'IMAGES_DB_NAME must be 1-63 letters, digits, _ or -' })
  IMAGES_DB_NAME = 'images_db';

  /**
   * Also the port of the image bytes (`/internal/images...`): the gateway streams uploads and
   * downloads here instead of through the message transport (docs/images.md). Reachable by the
   * gateway only; every request carries the caller's access token, verified here.
   */
  override HEALTH_PORT = 3104;

  /** Largest accepted upload; a larger one is refused while it streams in (413 IMAGES.TOO_LARGE). */
  @IsInt()
  @Min(1024)
  @Max(256 * 1024 * 1024)
  IMAGES_MAX_UPLOAD_BYTES: number = 10 * 1024 * 1024;

  /** Largest width × height decoded (422 IMAGES.TOO_MANY_PIXELS): a decompression bomb is refused from its header. */
  @IsInt()
  @Min(1)
  @Max(268_402_689)
  IMAGES_MAX_PIXELS: number = 40_000_000;

  /** Bytes each user may store, originals and variants together (413 IMAGES.QUOTA_EXCEEDED). */
  @IsInt()
  @Min(0)
  IMAGES_QUOTA_BYTES: number = 500 * 1024 * 1024;

  /** Images decoded at once (each holds its pixels in memory); uploads beyond it wait their turn. */
  @IsInt()
  @Min(1)
  @Max(64)
  IMAGES_PROCESSING_CONCURRENCY: number = 2;

  /**
   * Memory for recently served small renditions (thumbnails, medium sizes), MB: their bytes never
   * change, so a hit skips storage (GridFS) entirely; who may read them is still checked on every
   * request. 0 turns it off.
   */
  @IsInt()
  @Min(0)
  @Max(4096)
  IMAGES_CACHE_MB: number = 32;

  /**
   * How long the content route may reuse an image's metadata (who owns it, whether it is public,
   * its renditions), ms. This replica forgets an image as soon as it changes it; another replica's
   * change (a delete, a public link turned off) is seen within this time. 0: read it every time.
   */
  @IsInt()
  @Min(0)
  @Max(60_000)
  IMAGES_METADATA_CACHE_MS: number = 2000;

  /** How often stored files that no image refers to are looked for and removed; 0: never. */
  @IsInt()
  @Min(0)
  IMAGES_ORPHAN_SWEEP_MS: number = 60 * 60 * 1000;

  /** A stored file is an orphan only when older than this: an upload in progress writes its files before its image. */
  @IsInt()
  @Min(0)
  IMAGES_ORPHAN_GRACE_MS: number = 15 * 60 * 1000;

  /**
   * `Cache-Control: max-age` of content read through a public link, seconds. 0 (the default):
   * `no-cache`, so a shared cache asks again each time (a 304 while nothing changed) and a link
   * turned off is off everywhere at once; more lets caches serve it that long after.
   */
  @IsInt()
  @Min(0)
  IMAGES_PUBLIC_MAX_AGE_SECONDS: number = 0;

  /** Uploads this instance reads at once (each holds up to IMAGES_MAX_UPLOAD_BYTES in memory); more wait their turn, then 429 IMAGES.BUSY. */
  @IsInt()
  @Min(1)
  @Max(1024)
  IMAGES_MAX_UPLOADS_IN_FLIGHT: number = 16;

  /** Uploads one user may have in flight at once on this instance; more get 429 IMAGES.TOO_MANY_UPLOADS. */
  @IsInt()
  @Min(1)
  @Max(64)
  IMAGES_MAX_UPLOADS_PER_USER: number = 4;
}

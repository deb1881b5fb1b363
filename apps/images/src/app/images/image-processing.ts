import { Injectable } from '@nestjs/common';
import { DomainError, ErrorKind, type ImageFormat, ImagesErrors } from '@site11/contracts';
import sharp, { type Sharp } from 'sharp';
import { ImagesConfig } from '../images.config';
import { Slots } from './slots';

// Only the five allowed decoders may run, whatever the bytes claim to be: libvips has loaders for
// SVG, PDF, TIFF, FITS, CSV... and none of them is reachable from an upload.
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({ operation: ['VipsForeignLoadJpeg', 'VipsForeignLoadPng', 'VipsForeignLoadWebp', 'VipsForeignLoadHeif', 'VipsForeignLoadNsgif'] });
// decoded pixels are not kept between requests: memory stays proportional to work in progress
sharp.cache(false);

export const CONTENT_TYPES: Record<ImageFormat | 'gif', string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
};

/** What the bytes are, decided from their signature (never the file name or a header). */
export function sniff(bytes: Buffer): keyof typeof CONTENT_TYPES | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString('latin1'))) return 'gif';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  // ISO BMFF: a box of type ftyp whose major or compatible brands name AVIF
  if (bytes.length >= 16 && bytes.subarray(4, 8).toString('latin1') === 'ftyp') {
    const boxSize = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
    const brands = bytes.subarray(8, boxSize).toString('latin1');
    if (/avif|avis/.test(brands)) return 'avif';
  }
  return null;
}

export interface Inspected {
  format: keyof typeof CONTENT_TYPES;
  contentType: string;
  /** After orientation from EXIF. */
  width: number;
  height: number;
  /** EXIF, XMP or IPTC present, or a rotation to apply: the stored original must be rewritten. */
  needsRewrite: boolean;
}

export interface Rendered {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

const unsupported = () =>
  new DomainError(ImagesErrors.unsupportedType, ErrorKind.UnsupportedMediaType, 'Only JPEG, PNG, WebP, AVIF and GIF images are accepted (decided from the file’s bytes)');
const corrupt = (why: string) => new DomainError(ImagesErrors.corrupt, ErrorKind.FailedPrecondition, `The image cannot be decoded: ${why}`);

/** libvips' words for bytes that do not decode, as opposed to a failure of ours. */
function asCorrupt(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  if (/unsupported image format/i.test(message)) throw unsupported();
  if (/pixel limit/i.test(message)) throw new DomainError(ImagesErrors.tooManyPixels, ErrorKind.FailedPrecondition, 'The image has more pixels than allowed');
  throw corrupt(message.split('\n')[0]!.replace(/^Vips\w*: /, '').slice(0, 200));
}

/**
 * Decoding and encoding with sharp (libvips), off the event loop: sharp runs each pipeline on
 * libuv's thread pool, so a slow decode delays other uploads, not the service's other requests.
 * Hostile input ends as a DomainError (415, 413, 422), never a crash or a 500: the type comes from
 * the bytes, the pixel count is checked from the header before any decoding, and every decode
 * fails on the first error instead of inventing missing data.
 */
@Injectable()
export class ImageProcessing {
  /** Decodes at once: each holds its pixels, so memory follows this number, not the uploads waiting. */
  private readonly slots: Slots;

  constructor(private readonly config: ImagesConfig) {
    this.slots = new Slots(config.IMAGES_PROCESSING_CONCURRENCY);
  }

  private open(bytes: Buffer): Sharp {
    // failOn 'truncated': a file cut short is an error, not a half-grey picture
    return sharp(bytes, { limitInputPixels: this.config.IMAGES_MAX_PIXELS, failOn: 'truncated', sequentialRead: true, animated: false });
  }

  async inspect(bytes: Buffer): Promise<Inspected> {
    const format = sniff(bytes);
    if (!format) throw unsupported();
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata().catch(asCorrupt);
    if (metadata.format === 'heif' && metadata.compression !== 'av1') throw unsupported();
    const width = metadata.autoOrient?.width ?? metadata.width;
    const height = metadata.autoOrient?.height ?? metadata.height;
    if (!width || !height) throw corrupt('no dimensions');
    if (width * height > this.config.IMAGES_MAX_PIXELS) {
      throw new DomainError(
        ImagesErrors.tooManyPixels,
        ErrorKind.FailedPrecondition,
        `The image is ${width}×${height} (${((width * height) / 1e6).toFixed(1)} MP); at most ${(this.config.IMAGES_MAX_PIXELS / 1e6).toFixed(1)} MP are accepted`,
      );
    }
    const rotated = (metadata.orientation ?? 1) !== 1;
    return { format, contentType: CONTENT_TYPES[format], width, height, needsRewrite: rotated || !!metadata.exif || !!metadata.xmp || !!metadata.iptc };
  }

  /**
   * The original as it will be stored: the uploaded bytes when they carry no metadata, else
   * turned upright and written again without EXIF/GPS, XMP or IPTC (colour profile kept),
   * in the same format. A GIF keeps its bytes (no such metadata). Whether the file is whole,
   * the variants (which decode all of it) prove.
   */
  async original(bytes: Buffer, inspected: Inspected): Promise<Rendered> {
    const format = inspected.format;
    if (!inspected.needsRewrite || format === 'gif') {
      return { data: bytes, contentType: inspected.contentType, width: inspected.width, height: inspected.height };
    }
    return this.slots.run(() => this.render(this.open(bytes).rotate().keepIccProfile(), format, 95));
  }

  /**
   * A stored size, as WebP: the longest side at most `size` pixels, never enlarged, the other
   * side rounded from the original's aspect (`original`), whichever upright image `bytes` is
   * (the original or a larger size made from it).
   */
  async variant(bytes: Buffer, size: number, original: { width: number; height: number }): Promise<Rendered> {
    const scale = Math.min(1, size / Math.max(original.width, original.height));
    const width = Math.max(1, Math.round(original.width * scale));
    const height = Math.max(1, Math.round(original.height * scale));
    return this.slots.run(() => this.render(this.open(bytes).rotate().resize(width, height, { fit: 'fill' }), 'webp', 82));
  }

  /** Decodes the whole file and keeps nothing: proof that it is not truncated or damaged. */
  async verify(bytes: Buffer): Promise<void> {
    await this.slots.run(() => this.open(bytes).raw().toBuffer().catch(asCorrupt));
  }

  /** The same picture in another format (a conversion asked for by `?format=`). */
  async convert(bytes: Buffer, format: ImageFormat): Promise<Rendered> {
    return this.slots.run(() => this.render(this.open(bytes), format, format === 'avif' ? 55 : 82));
  }

  private async render(image: Sharp, format: ImageFormat, quality: number): Promise<Rendered> {
    // effort 2: WebP and AVIF at about half the CPU of their defaults, a few percent larger
    const encoded =
      format === 'png'
        ? image.png({ compressionLevel: 6 })
        : format === 'avif'
          ? image.avif({ quality, effort: 2 })
          : format === 'webp'
            ? image.webp({ quality, effort: 2 })
            : image.jpeg({ quality, mozjpeg: false });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true }).catch(asCorrupt);
    return { data, contentType: CONTENT_TYPES[format], width: info.width, height: info.height };
  }
}

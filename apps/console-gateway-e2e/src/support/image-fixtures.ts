import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Image files for the images tests, made here instead of committed: what a camera sends (a JPEG
 * with EXIF and GPS, turned by its orientation tag), a PNG, and hostile ones (a cut JPEG, a
 * decompression bomb, HTML with a .jpg name, SVG with a script, noise too large to accept).
 */
export const GPS_EXIF = {
  IFD0: { Make: 'E2E Phone', Model: 'Camera 1' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 0/1' },
};

/** 400×200 as stored, orientation 6 (rotate 90°): 200×400 upright. With EXIF GPS. */
export function cameraJpeg(seed = 0): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 200, channels: 3, background: { r: 200, g: 40 + (seed % 200), b: 60 } } })
    .jpeg({ quality: 90 })
    .withExif(GPS_EXIF)
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** A 3000×2000 photo-like JPEG (gradients), about 1 MB. */
export function largeJpeg(seed = 0): Promise<Buffer> {
  const width = 3000;
  const height = 2000;
  const pixels = Buffer.alloc(width * height * 3);
  const noise = randomBytes(width * height);
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = (i / width) | 0;
    pixels[i * 3] = (x + seed) & 0xff;
    pixels[i * 3 + 1] = (y + (noise[i] ?? 0) / 8) & 0xff;
    pixels[i * 3 + 2] = ((x ^ y) + seed) & 0xff;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

export function png(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 0.5 } } }).png().toBuffer();
}

/** Random pixels as PNG: incompressible, so `side`² × 3 bytes on the wire (1830 → about 10 MB). */
export function noisePng(side: number): Promise<Buffer> {
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header claiming 20,000 × 20,000 pixels (400 MP) of 1-bit grey, all zero: tens of KB that would decode to 1.2 GB. */
export function decompressionBomb(side = 20_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter, no interlace
  const row = Math.ceil(side / 8) + 1;
  const pixels = deflateSync(Buffer.alloc(row * side), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

export const HTML_AS_JPG = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
export const SVG_WITH_SCRIPT = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script><rect width="100" height="100"/></svg>',
);

/** The first half of a JPEG: a valid header, the picture cut short. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await largeJpeg(7);
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** A small picture (no size of its own is made from it) cut in half. */
export async function truncatedSmall(format: 'jpeg' | 'png'): Promise<Buffer> {
  const [width, height] = format === 'jpeg' ? [250, 200] : [200, 200];
  const pixels = randomBytes(width * height * 3);
  const whole = await sharp(pixels, { raw: { width, height, channels: 3 } })[format]().toBuffer();
  return whole.subarray(0, Math.floor(whole.length / 2));
}

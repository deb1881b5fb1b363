import { contentDisposition, notModified, rangeOf } from './content-response';
import { sniff } from './image-processing';
import { sanitizeFilename } from './upload-form';

describe('what the bytes are', () => {
  it('recognises JPEG, PNG, GIF, WebP and AVIF by their signatures, and nothing else', () => {
    expect(sniff(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('jpeg');
    expect(sniff(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniff(Buffer.from('GIF89a...'))).toBe('gif');
    expect(sniff(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '))).toBe('webp');
    const avif = Buffer.alloc(32);
    avif.writeUInt32BE(28, 0);
    avif.write('ftypavif\u0000\u0000\u0000\u0000mif1avif', 4, 'latin1');
    expect(sniff(avif)).toBe('avif');
    const heic = Buffer.from(avif);
    heic.write('ftypheic\u0000\u0000\u0000\u0000mif1heic', 4, 'latin1');
    expect(sniff(heic)).toBeNull();
    for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"/>', '<!doctype html>', 'BM6....', '%PDF-1.7']) expect(sniff(Buffer.from(text))).toBeNull();
  });
});

describe('file names', () => {
  it('keeps the last path segment without control characters, bidirectional overrides or leading dots', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\me\\photo.jpg')).toBe('photo.jpg');
    expect(sanitizeFilename('in\u0000vis\u0085ible\u202Egnp.exe')).toBe('invisiblegnp.exe');
    expect(sanitizeFilename('..hidden.png')).toBe('hidden.png');
    expect(sanitizeFilename('사진.jpg')).toBe('사진.jpg');
    expect(sanitizeFilename('x'.repeat(300))).toHaveLength(255);
    expect(sanitizeFilename('../')).toBe('image');
    expect(sanitizeFilename(undefined)).toBe('image');
  });

  it('sends them in a Content-Disposition with an ASCII fallback and the exact UTF-8 name, with the served format’s extension', () => {
    expect(contentDisposition('a"b.png', 'image/png')).toBe(`inline; filename="a_b.png"; filename*=UTF-8''a%22b.png`);
    expect(contentDisposition('사진.jpg', 'image/webp')).toBe(`inline; filename="__.webp"; filename*=UTF-8''%EC%82%AC%EC%A7%84.webp`);
    expect(contentDisposition("it's; 100%.jpeg", 'image/avif')).toBe(`inline; filename="it's_ 100_.avif"; filename*=UTF-8''it%27s%3B%20100%25.avif`);
  });
});

describe('conditional and range requests', () => {
  const etag = '"abc"';

  it('is not modified for the same tag, weak or in a list, or *', () => {
    expect(notModified('"abc"', etag)).toBe(true);
    expect(notModified('W/"abc"', etag)).toBe(true);
    expect(notModified('"x", "abc"', etag)).toBe(true);
    expect(notModified('*', etag)).toBe(true);
    expect(notModified('"abd"', etag)).toBe(false);
    expect(notModified(undefined, etag)).toBe(false);
  });

  it('reads one range of bytes=a-b, a- or -n, clamps its end, and refuses one past the end', () => {
    expect(rangeOf('bytes=0-99', 1000, undefined, etag)).toEqual({ kind: 'partial', start: 0, end: 99 });
    expect(rangeOf('bytes=900-', 1000, undefined, etag)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(rangeOf('bytes=-100', 1000, undefined, etag)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(rangeOf('bytes=990-5000', 1000, undefined, etag)).toEqual({ kind: 'partial', start: 990, end: 999 });
    expect(rangeOf('bytes=1000-', 1000, undefined, etag)).toEqual({ kind: 'unsatisfiable' });
    expect(rangeOf('bytes=-0', 1000, undefined, etag)).toEqual({ kind: 'unsatisfiable' });
  });

  it('sends everything for several ranges, another unit, nonsense, a reversed range or an If-Range of another version', () => {
    for (const header of ['bytes=0-1,5-6', 'items=0-1', 'bytes=abc', 'bytes=-', 'bytes=50-10', undefined]) {
      expect(rangeOf(header, 1000, undefined, etag)).toEqual({ kind: 'full' });
    }
    expect(rangeOf('bytes=0-9', 1000, '"old"', etag)).toEqual({ kind: 'full' });
    expect(rangeOf('bytes=0-9', 1000, '"abc"', etag)).toEqual({ kind: 'partial', start: 0, end: 9 });
  });
});

import { ImagesEvents } from '@site11/contracts';
import Redis from 'ioredis';
import { type Connection, Types } from 'mongoose';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { countEvents, eventIds } from '../support/events';
import {
  cameraJpeg,
  decompressionBomb,
  HTML_AS_JPG,
  largeJpeg,
  noisePng,
  png,
  SVG_WITH_SCRIPT,
  truncatedJpeg,
  truncatedSmall,
} from '../support/image-fixtures';
import { call, Stack } from '../support/stack';
import { claimsOf } from '../support/tokens';

interface Variant {
  name: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
}
interface Image {
  id: string;
  ownerId: string;
  filename: string;
  contentType: string;
  bytes: number;
  width: number;
  height: number;
  sha256: string;
  variants: Variant[];
  visibility: 'private' | 'public';
  publicUrl?: string;
  status: string;
  createdAt: string;
}
interface Someone {
  id: string;
  token: string;
}
interface Answer<T> {
  status: number;
  headers: Headers;
  body: T & { code?: string; message?: string };
}

/** Events are on streams only with the streams transport; the pub/sub one keeps none. */
const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;
const DEADLINE_MS = 5000;
/** Small enough that two 10 MB uploads pass it; one fits. */
const QUOTA_BYTES = 16 * 1024 * 1024;
let stack: Stack;
let db: Connection;
let redis: Redis;
let admin: Someone;

beforeAll(async () => {
  // the services reach the database through a proxy, which the outage test cuts
  stack = await Stack.start({
    cuttableDatabase: true,
    gatewayEnv: { RPC_DEADLINE_MS: String(DEADLINE_MS) },
    servicesEnv: { images: { IMAGES_QUOTA_BYTES: String(QUOTA_BYTES), IMAGES_ORPHAN_GRACE_MS: '0', IMAGES_ORPHAN_SWEEP_MS: '0' } },
  });
  db = await stack.serviceDb('images');
  redis = new Redis(stack.redisUrl);
  const token = await stack.adminToken();
  admin = { token, id: claimsOf(token).sub };
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await stack?.stop();
});

async function someone(): Promise<Someone> {
  const { id, accessToken } = await stack.signUp('images');
  return { token: accessToken, id };
}

const url = (path = '') => `${stack.api}/images${path}`;

/** A multipart upload as browsers and fetch send it (FormData). */
async function upload<T = Image>(who: Someone | null, bytes: Buffer, filename = 'photo.jpg', fields: Record<string, string> = {}, type = 'application/octet-stream'): Promise<Answer<T>> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type }), filename);
  const response = await fetch(url(), { method: 'POST', body: form, headers: who ? { authorization: `Bearer ${who.token}` } : {} });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

async function uploaded(who: Someone, bytes: Buffer, filename = 'photo.jpg', fields: Record<string, string> = {}): Promise<Image> {
  const answer = await upload(who, bytes, filename, fields);
  expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 201, code: undefined });
  return answer.body;
}

async function content(path: string, who: Someone | null, headers: Record<string, string> = {}) {
  const response = await fetch(url(path), { headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...headers } });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes };
}

const filesOf = (ownerId: string) => db.collection('images.files').countDocuments({ 'metadata.ownerId': ownerId });
const imagesOf = (ownerId: string) => db.collection('images').countDocuments({ ownerId });

describe('uploading images through the gateway', () => {
  it('stores an upright JPEG without its EXIF and GPS, with thumb, medium and large sizes, and answers 201 with its metadata', async () => {
    const owner = await someone();
    const photo = await cameraJpeg();
    const image = await uploaded(owner, photo, 'holiday.jpg');

    expect(image).toMatchObject({
      ownerId: owner.id,
      filename: 'holiday.jpg',
      contentType: 'image/jpeg',
      // orientation 6: stored 400×200, upright 200×400
      width: 200,
      height: 400,
      sha256: createHash('sha256').update(photo).digest('hex'),
      visibility: 'private',
      status: 'ready',
    });
    expect(image.publicUrl).toBeUndefined();
    expect(image.variants.map(({ name, contentType, width, height }) => ({ name, contentType, width, height }))).toEqual([
      { name: 'original', contentType: 'image/jpeg', width: 200, height: 400 },
      { name: 'thumb', contentType: 'image/webp', width: 128, height: 256 },
      // never enlarged nor encoded twice: the medium and large sizes of a small photo are the original
      { name: 'medium', contentType: 'image/jpeg', width: 200, height: 400 },
      { name: 'large', contentType: 'image/jpeg', width: 200, height: 400 },
    ]);

    // every stored rendition: no EXIF, no GPS, upright
    for (const variant of ['original', 'thumb', 'medium', 'large']) {
      const stored = await content(`/${image.id}/content?variant=${variant}`, owner);
      expect(stored.status).toBe(200);
      const metadata = await sharp(stored.bytes).metadata();
      expect({ variant, exif: metadata.exif, orientation: metadata.orientation ?? 1 }).toEqual({ variant, exif: undefined, orientation: 1 });
      expect(stored.bytes.includes(Buffer.from('E2E Phone'))).toBe(false);
    }
    // in the database: the image and its two files in GridFS (the original, the thumbnail)
    const stored = await db.collection('images').findOne({ _id: new Types.ObjectId(image.id) });
    expect(stored).toMatchObject({ ownerId: owner.id, sha256: image.sha256, bytes: image.bytes });
    expect(await filesOf(owner.id)).toBe(2);
  });

  it('answers 200 with the same image when its owner uploads the same bytes again, and 201 for someone else', async () => {
    const owner = await someone();
    const photo = await cameraJpeg(1);
    const first = await uploaded(owner, photo, 'a.jpg');
    const again = await upload(owner, photo, 'b.jpg');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.id);
    expect(await imagesOf(owner.id)).toBe(1);

    // at the same moment, twice: still one image
    const other = await someone();
    const [one, two] = await Promise.all([upload(other, photo), upload(other, photo)]);
    expect([one.status, two.status].sort()).toEqual([200, 201]);
    expect(one.body.id).toBe(two.body.id);
    expect(one.body.id).not.toBe(first.id);
    expect(await imagesOf(other.id)).toBe(1);
    await waitFor(async () => (await filesOf(other.id)) === 2, { what: 'the losing upload’s files removed', timeoutMs: 5000 });
  });

  it('keeps a PNG without metadata byte for byte, and serves it as AVIF, WebP, JPEG on request, converting once', async () => {
    const owner = await someone();
    const picture = await png(300, 150);
    const image = await uploaded(owner, picture, 'chart.png');
    expect(image).toMatchObject({ contentType: 'image/png', width: 300, height: 150, bytes: picture.length });
    expect((await content(`/${image.id}/content`, owner)).bytes.equals(picture)).toBe(true);

    for (const [format, type] of [['avif', 'image/avif'], ['jpeg', 'image/jpeg'], ['png', 'image/png'], ['webp', 'image/webp']] as const) {
      const converted = await content(`/${image.id}/content?variant=medium&format=${format}`, owner);
      expect({ format, status: converted.status, type: converted.headers.get('content-type') }).toEqual({ format, status: 200, type });
      expect((await sharp(converted.bytes).metadata()).format).toBe(format === 'avif' ? 'heif' : format);
    }
    // asked for three times at once, converted and stored once
    await Promise.all([1, 2, 3].map(() => content(`/${image.id}/content?variant=thumb&format=avif`, owner)));
    const stored = await db.collection('images').findOne({ _id: new Types.ObjectId(image.id) });
    const keys = ((stored?.['variants'] ?? []) as Array<{ key: string }>).map(({ key }) => key);
    expect(keys.filter((key) => key === 'thumb/image/avif')).toHaveLength(1);
    expect(keys.filter((key) => key === 'medium/image/avif')).toHaveLength(1);
    // conversions are a cache: the image still lists its four sizes
    expect((await call<Image>(url(`/${image.id}`), { token: owner.token })).body.variants).toHaveLength(4);
  });

  it('makes its sizes from a 3000×2000 photo: thumb 256, medium 1024, large 2048 on the longest side', async () => {
    const owner = await someone();
    const image = await uploaded(owner, await largeJpeg(), 'big.jpg');
    expect(image.variants.map(({ name, width, height }) => `${name} ${width}×${height}`)).toEqual([
      'original 3000×2000',
      'thumb 256×171',
      'medium 1024×683',
      'large 2048×1365',
    ]);
  });

  it('refuses hostile files with a code, storing nothing', async () => {
    const owner = await someone();
    const cases: Array<[string, Buffer, string, number, string]> = [
      ['HTML named .jpg', HTML_AS_JPG, 'photo.jpg', 415, 'IMAGES.UNSUPPORTED_TYPE'],
      ['SVG with a script', SVG_WITH_SCRIPT, 'logo.svg', 415, 'IMAGES.UNSUPPORTED_TYPE'],
      ['a truncated JPEG', await truncatedJpeg(), 'cut.jpg', 422, 'IMAGES.CORRUPT'],
      // small enough to need no size of its own: decoded all the same
      ['a truncated 250×200 JPEG', await truncatedSmall('jpeg'), 'small-cut.jpg', 422, 'IMAGES.CORRUPT'],
      ['a truncated 200×200 PNG', await truncatedSmall('png'), 'small-cut.png', 422, 'IMAGES.CORRUPT'],
      ['a 20,000 × 20,000 PNG bomb', decompressionBomb(), 'bomb.png', 422, 'IMAGES.TOO_MANY_PIXELS'],
      ['an empty file', Buffer.alloc(0), 'empty.jpg', 400, 'IMAGES.BAD_UPLOAD'],
    ];
    for (const [what, bytes, filename, status, code] of cases) {
      const answer = await upload(owner, bytes, filename, {}, 'image/jpeg');
      expect({ what, status: answer.status, code: answer.body.code }).toEqual({ what, status, code });
      expect(answer.body).toMatchObject({ statusCode: status, requestId: expect.any(String) });
    }
    expect(await imagesOf(owner.id)).toBe(0);
    expect(await filesOf(owner.id)).toBe(0);
  });

  it('refuses a 12 MB file with 413 IMAGES.TOO_LARGE, also when its length is not declared, before reading it all', async () => {
    const owner = await someone();
    const big = Buffer.alloc(12 * 1024 * 1024, 0xab);
    const declared = await upload(owner, big, 'huge.jpg');
    expect({ status: declared.status, code: declared.body.code }).toEqual({ status: 413, code: 'IMAGES.TOO_LARGE' });

    // chunked, no Content-Length: refused once 10 MiB have streamed in, with the rest never sent
    const boundary = 'e2e-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const answer = await new Promise<{ status: number; body: string; sent: number }>((resolve, reject) => {
      let sent = 0;
      const req = httpRequest(url(), { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        let body = '';
        res.on('data', (part: Buffer) => (body += part.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body, sent });
          req.destroy();
        });
      });
      req.on('error', (error) => (sent > 0 ? undefined : reject(error)));
      req.write(head);
      const piece = Buffer.alloc(256 * 1024, 0xcd);
      const pump = () => {
        // up to 40 MB: far more than the limit; the answer must come long before the end
        while (sent < 40 * 1024 * 1024) {
          if (answered) return;
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'IMAGES.TOO_LARGE' });
    expect(answer.sent).toBeLessThan(40 * 1024 * 1024);
    expect(await imagesOf(owner.id)).toBe(0);
  });

  it('accepts only multipart with one part named file, and at most a visibility field', async () => {
    const owner = await someone();
    const json = await call(url(), { method: 'POST', token: owner.token, json: { file: 'aGVsbG8=' } });
    expect({ status: json.status, code: json.body['code'] }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });

    const wrongName = new FormData();
    wrongName.append('image', new Blob([await png()]), 'a.png');
    const misnamed = await fetch(url(), { method: 'POST', body: wrongName, headers: { authorization: `Bearer ${owner.token}` } });
    expect({ status: misnamed.status, code: ((await misnamed.json()) as { code: string }).code }).toEqual({ status: 400, code: 'IMAGES.BAD_UPLOAD' });

    for (const fields of [{ visibility: 'everyone' }, { owner: admin.id }] as Array<Record<string, string>>) {
      const answer = await upload(owner, await png(), 'a.png', fields);
      expect({ fields, status: answer.status, code: answer.body.code }).toEqual({ fields, status: 400, code: 'IMAGES.BAD_UPLOAD' });
    }
    // a multipart body anywhere else is not read
    const elsewhere = await fetch(`${stack.api}/auth/login`, { method: 'POST', body: new FormData() });
    expect(elsewhere.status).toBe(415);
    expect(await imagesOf(owner.id)).toBe(0);
  });

  it('needs a token to upload, and a token the service can verify', async () => {
    expect((await upload(null, await png())).status).toBe(401);
    expect((await upload({ id: admin.id, token: 'not.a.token' }, await png())).status).toBe(401);
  });

  it('keeps file names safe: no path, no bidirectional override, a Content-Disposition that cannot break', async () => {
    const owner = await someone();
    // as a browser's FormData sends it: the quote escaped as %22, the rest as typed
    const image = await uploaded(owner, await png(10, 10), '../../etc/pass"wd\u202Egnp.png');
    expect(image.filename).toBe('pass%22wdgnp.png');
    const got = await content(`/${image.id}/content`, owner);
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="pass_22wdgnp.png"; filename*=UTF-8''pass%2522wdgnp.png`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');

    // as a hand-written client may send it: a quoted quote and a Windows path
    const boundary = 'e2e-names';
    const raw = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="C:\\Users\\me\\\\a\\"b.png"\r\nContent-Type: image/png\r\n\r\n`),
      await png(9, 9),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const quoted = await call<Image>(url(), { method: 'POST', token: owner.token, body: raw, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(quoted.status).toBe(201);
    expect(quoted.body.filename).toBe('a"b.png');
    const disposition = (await content(`/${quoted.body.id}/content`, owner)).headers.get('content-disposition');
    expect(disposition).toBe(`inline; filename="a_b.png"; filename*=UTF-8''a%22b.png`);

    for (const filename of ['../x.png', 'a/b.png', 'tab\there.png', '..', 'evil\u202Egnp.exe']) {
      const renamed = await call(url(`/${image.id}`), { method: 'PATCH', token: owner.token, json: { filename } });
      expect({ filename, status: renamed.status, code: renamed.body['code'] }).toEqual({ filename, status: 400, code: 'VALIDATION' });
    }
    // a control character in a part's header is a malformed body
    const controlled = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a\u0007.png"\r\n\r\nxx\r\n--${boundary}--\r\n`);
    const refused = await call(url(), { method: 'POST', token: owner.token, body: controlled, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect({ status: refused.status, code: refused.body['code'] }).toEqual({ status: 400, code: 'IMAGES.BAD_UPLOAD' });
  });
});

describe('reading image content', () => {
  let owner: Someone;
  let image: Image;

  beforeAll(async () => {
    owner = await someone();
    image = await uploaded(owner, await largeJpeg(3), 'range.jpg');
  });

  it('sends ETag, Last-Modified and Cache-Control, and 304 for If-None-Match', async () => {
    const first = await content(`/${image.id}/content?variant=thumb`, owner);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/webp');
    expect(first.headers.get('content-length')).toBe(String(first.bytes.length));
    expect(first.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Date(first.headers.get('last-modified') as string).getTime()).toBeGreaterThan(Date.now() - 600_000);

    const cached = await content(`/${image.id}/content?variant=thumb`, owner, { 'if-none-match': etag as string });
    expect(cached.status).toBe(304);
    expect(cached.bytes.length).toBe(0);
    expect(cached.headers.get('etag')).toBe(etag);
    // another size has another tag
    expect((await content(`/${image.id}/content?variant=medium`, owner, { 'if-none-match': etag as string })).status).toBe(200);
  });

  it('answers a byte range with 206 and exactly those bytes, a range past the end with 416', async () => {
    const whole = await content(`/${image.id}/content`, owner);
    const size = whole.bytes.length;
    const part = await content(`/${image.id}/content`, owner, { range: 'bytes=1000-300999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-300999/${size}`);
    expect(part.bytes.equals(whole.bytes.subarray(1000, 301000))).toBe(true);

    const tail = await content(`/${image.id}/content`, owner, { range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(whole.bytes.subarray(size - 100))).toBe(true);

    const past = await content(`/${image.id}/content`, owner, { range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(JSON.parse(past.bytes.toString())).toMatchObject({ code: 'IMAGES.RANGE_NOT_SATISFIABLE' });

    // If-Range with an old tag: the whole, fresh content
    const stale = await content(`/${image.id}/content`, owner, { range: 'bytes=0-9', 'if-range': '"0000"' });
    expect(stale.status).toBe(200);
  });

  it('refuses unknown sizes and formats, and bad ids', async () => {
    for (const path of [`/${image.id}/content?variant=huge`, `/${image.id}/content?format=svg`, '/not-an-id/content', `/${image.id}/content?x=1`]) {
      const answer = await content(path, owner);
      expect({ path, status: answer.status, code: JSON.parse(answer.bytes.toString()).code }).toEqual({ path, status: 400, code: 'VALIDATION' });
    }
    expect((await content(`/${new Types.ObjectId().toHexString()}/content`, owner)).status).toBe(404);
  });
});

describe('who may see an image', () => {
  it('lets only its owner and admins read, change or delete it', async () => {
    const owner = await someone();
    const stranger = await someone();
    const image = await uploaded(owner, await png(20, 20), 'mine.png');
    expect((await call(url(`/${image.id}`), { token: stranger.token })).status).toBe(403);
    expect((await content(`/${image.id}/content`, stranger)).status).toBe(403);
    expect((await content(`/${image.id}/content`, null)).status).toBe(401);
    expect((await call(url(`/${image.id}`), { method: 'PATCH', token: stranger.token, json: { filename: 'x.png' } })).status).toBe(403);
    expect((await call(url(`/${image.id}`), { method: 'DELETE', token: stranger.token })).status).toBe(403);
    expect((await call(url(`/${image.id}`), { token: admin.token })).status).toBe(200);
    expect((await content(`/${image.id}/content?variant=thumb`, admin)).status).toBe(200);
  });

  it('serves a public image to anyone through an unguessable link, and never again once it goes private', async () => {
    const owner = await someone();
    const image = await uploaded(owner, await png(30, 30), 'shared.png', { visibility: 'public' });
    expect(image.visibility).toBe('public');
    expect(image.publicUrl).toMatch(/^\/api\/v1\/images\/public\/[A-Za-z0-9_-]{22}\/content$/);
    expect(image.publicUrl).not.toContain(image.id);
    const link = `${stack.gatewayUrl}${image.publicUrl}`;
    const open = await fetch(`${link}?variant=thumb`);
    expect(open.status).toBe(200);
    // shared caches ask again each time, so a link turned off is off everywhere at once
    expect(open.headers.get('cache-control')).toBe('public, no-cache');
    // through a link, the original only in its own format; sizes convert
    const originalAsPng = await fetch(`${link}?format=webp`);
    expect(originalAsPng.status).toBe(400);
    expect(((await originalAsPng.json()) as { code: string }).code).toBe('VALIDATION');
    expect((await fetch(`${link}?variant=thumb&format=avif`)).status).toBe(200);

    const hidden = await call<Image>(url(`/${image.id}`), { method: 'PATCH', token: owner.token, json: { visibility: 'private' } });
    expect(hidden.body.publicUrl).toBeUndefined();
    expect((await fetch(link)).status).toBe(404);
    const shownAgain = await call<Image>(url(`/${image.id}`), { method: 'PATCH', token: owner.token, json: { visibility: 'public' } });
    expect(shownAgain.body.publicUrl).toMatch(/public\/[A-Za-z0-9_-]{22}\/content$/);
    expect(shownAgain.body.publicUrl).not.toBe(image.publicUrl);
    expect((await fetch(link)).status).toBe(404);
    expect((await fetch(`${stack.gatewayUrl}${shownAgain.body.publicUrl}`)).status).toBe(200);
    // the id alone opens nothing
    expect((await fetch(url(`/${image.id}/content`))).status).toBe(401);
    expect((await fetch(url('/public/AAAAAAAAAAAAAAAAAAAAAA/content'))).status).toBe(404);
  });

  it('lists the caller’s own images; everyone’s (scope=all) and one user’s (ownerId) only for an admin; q by file name', async () => {
    const owner = await someone();
    const other = await someone();
    const a = await uploaded(owner, await png(11, 11), 'Sunset.png');
    const b = await uploaded(owner, await png(12, 12), 'beach.png');
    await uploaded(other, await png(13, 13), 'sunrise.png');
    const mine = await call<{ items: Image[]; nextCursor: string | null }>(url('?limit=100'), { token: owner.token });
    expect(mine.body.items.map(({ id }) => id)).toEqual([a.id, b.id]);
    const search = await call<{ items: Image[] }>(url('?q=sun'), { token: owner.token });
    expect(search.body.items.map(({ id }) => id)).toEqual([a.id]);
    expect((await call(url('?scope=all'), { token: owner.token })).status).toBe(403);
    expect((await call(url(`?ownerId=${other.id}`), { token: owner.token })).status).toBe(403);
    const theirs = await call<{ items: Image[] }>(url(`?ownerId=${other.id}`), { token: admin.token });
    expect(theirs.body.items.map(({ filename }) => filename)).toEqual(['sunrise.png']);
    const paged = await call<{ items: Image[]; nextCursor: string | null }>(url('?limit=1'), { token: owner.token });
    expect(paged.body.items).toHaveLength(1);
    const next = await call<{ items: Image[] }>(url(`?limit=1&cursor=${paged.body.nextCursor}`), { token: owner.token });
    expect(next.body.items.map(({ id }) => id)).toEqual([b.id]);
  });
});

describe('storage', () => {
  it('reports usage against the quota and refuses an upload past it with 413 IMAGES.QUOTA_EXCEEDED', async () => {
    const owner = await someone();
    const empty = await call(url('/usage'), { token: owner.token });
    expect(empty.body).toEqual({ ownerId: owner.id, count: 0, bytes: 0, quotaBytes: QUOTA_BYTES, remainingBytes: QUOTA_BYTES });
    const first = await uploaded(owner, await noisePng(1700), 'noise-1.png');
    const usage = await call<{ count: number; bytes: number; remainingBytes: number }>(url('/usage'), { token: owner.token });
    expect(usage.body.count).toBe(1);
    expect(usage.body.bytes).toBeGreaterThanOrEqual(first.bytes);
    const refused = await upload(owner, await noisePng(1700), 'noise-2.png');
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 413, code: 'IMAGES.QUOTA_EXCEEDED' });
    expect(await imagesOf(owner.id)).toBe(1);
    // someone else's usage: admins only
    expect((await call(url(`/usage?ownerId=${owner.id}`), { token: admin.token })).body['count']).toBe(1);
    expect((await call(url(`/usage?ownerId=${owner.id}`), { token: (await someone()).token })).status).toBe(403);
  }, 60_000);

  it('lets no number of concurrent uploads of one owner pass the quota together', async () => {
    const owner = await someone();
    const files = await Promise.all([1, 2, 3].map(() => noisePng(1700)));
    const answers = await Promise.all(files.map((file, i) => upload(owner, file, `race-${i}.png`)));
    expect(answers.map(({ status }) => status).sort()).toEqual([201, 413, 413]);
    expect(answers.filter(({ status }) => status === 413).every(({ body }) => body.code === 'IMAGES.QUOTA_EXCEEDED')).toBe(true);
    expect(await imagesOf(owner.id)).toBe(1);
    const usage = await call<{ bytes: number }>(url('/usage'), { token: owner.token });
    // what is stored, and nothing left reserved by the refused ones
    const stored = await db.collection('images').findOne({ ownerId: owner.id });
    expect(usage.body.bytes).toBe(stored?.['storedBytes']);
  }, 60_000);

  it('takes a few uploads of one user at a time (429 IMAGES.TOO_MANY_UPLOADS), and frees a slot as soon as its client goes away', async () => {
    const owner = await someone();
    const seen: string[] = [];
    // five uploads that start and never finish: four hold the user's slots, the fifth is refused
    const hanging = Array.from({ length: 5 }, () => {
      const req = httpRequest(url(), { method: 'POST', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'multipart/form-data; boundary=x', 'transfer-encoding': 'chunked' } });
      req.on('error', () => undefined);
      req.on('response', (res) => seen.push(`hanging ${res.statusCode}`));
      req.write('--x\r\nContent-Disposition: form-data; name="file"; filename="slow.jpg"\r\n\r\n');
      req.write(Buffer.alloc(1024, 7));
      return req;
    });
    await waitFor(async () => seen.includes('hanging 429'), { what: 'one of five hanging uploads refused', timeoutMs: 5000 });
    const refused = await upload(owner, await png(22, 22));
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 429, code: 'IMAGES.TOO_MANY_UPLOADS' });
    expect(refused.headers.get('retry-after')).toBe('1');
    for (const req of hanging) req.destroy();
    await waitFor(async () => (await upload(owner, await png(23, 23))).status === 201, { what: 'uploads taken again', timeoutMs: 5000 });
  });

  it('deletes an image with all its files, freeing its usage and its dedupe key', async () => {
    const owner = await someone();
    const bytes = await png(40, 40);
    const image = await uploaded(owner, bytes);
    await content(`/${image.id}/content?format=avif`, owner);
    // a 40×40 PNG is its own thumbnail: the original and its AVIF conversion
    expect(await filesOf(owner.id)).toBe(2);
    expect((await call(url(`/${image.id}`), { method: 'DELETE', token: owner.token })).status).toBe(204);
    expect((await call(url(`/${image.id}`), { token: owner.token })).status).toBe(404);
    expect((await content(`/${image.id}/content`, owner)).status).toBe(404);
    expect(await filesOf(owner.id)).toBe(0);
    expect((await call(url('/usage'), { token: owner.token })).body['bytes']).toBe(0);
    // the same bytes again: a new image
    expect((await upload(owner, bytes)).status).toBe(201);
  });

  it('gives admins totals per user and type, and removes stored files no image refers to', async () => {
    const owner = await someone();
    await uploaded(owner, await png(50, 50), 'counted.png');
    // a file left by an upload that died before its image was written
    const bucket = new (await import('mongoose')).mongo.GridFSBucket(db.db as never, { bucketName: 'images' });
    await new Promise<void>((resolve, reject) => bucket.openUploadStream('orphan', { metadata: { ownerId: owner.id } }).once('finish', () => resolve()).once('error', reject).end(Buffer.alloc(1000)));
    expect(await filesOf(owner.id)).toBe(2);

    expect((await call(url('/stats'), { token: owner.token })).status).toBe(403);
    const stats = await call<{ count: number; owners: number; byOwner: Array<{ ownerId: string; count: number }>; byContentType: Record<string, number>; storedFiles: number }>(
      url('/stats'),
      { token: admin.token },
    );
    expect(stats.status).toBe(200);
    expect(stats.body.byOwner).toContainEqual(expect.objectContaining({ ownerId: owner.id, count: 1 }));
    expect(stats.body.byContentType['image/png']).toBeGreaterThanOrEqual(1);
    expect(stats.body.storedFiles).toBeGreaterThanOrEqual(stats.body.count);

    expect((await call(url('/storage/sweep'), { method: 'POST', token: owner.token })).status).toBe(403);
    const swept = await call<{ files: number; chunks: number }>(url('/storage/sweep'), { method: 'POST', token: admin.token });
    expect(swept.status).toBe(200);
    expect(swept.body.files).toBeGreaterThanOrEqual(1);
    expect(await filesOf(owner.id)).toBe(1);
  });
});

describe('events and accounts', () => {
  itStreams('publishes images.image.uploaded, .updated and .deleted through the outbox', async () => {
    const owner = await someone();
    const image = await uploaded(owner, await png(60, 60));
    await call(url(`/${image.id}`), { method: 'PATCH', token: owner.token, json: { filename: 'renamed.png' } });
    await call(url(`/${image.id}`), { method: 'DELETE', token: owner.token });
    for (const event of Object.values(ImagesEvents)) {
      await waitFor(async () => (await eventIds(redis, event)).includes(image.id), { what: `${event} of ${image.id}`, timeoutMs: 5000 });
    }
    const described = (data: Record<string, unknown>) =>
      data['id'] === image.id && data['ownerId'] === owner.id && data['contentType'] === 'image/png' && data['bytes'] === image.bytes && data['width'] === 60;
    expect(await countEvents(redis, ImagesEvents.uploaded, described)).toBe(1);
    await waitFor(async () => (await db.collection('images').countDocuments({ _id: new Types.ObjectId(image.id) })) === 0, {
      what: `the tombstone of ${image.id} removed`,
      timeoutMs: 5000,
    });
  });

  it('deletes a deleted user’s images and their files (users.deleted), and nobody else’s', async () => {
    const leaving = await someone();
    const staying = await someone();
    await uploaded(leaving, await png(14, 14));
    await uploaded(leaving, await png(15, 15));
    const kept = await uploaded(staying, await png(16, 16));
    expect((await call(`${stack.api}/users/${leaving.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204);
    await waitFor(async () => (await imagesOf(leaving.id)) === 0 && (await filesOf(leaving.id)) === 0, {
      what: 'the deleted user’s images and files removed',
      timeoutMs: 15_000,
      intervalMs: 200,
    });
    expect((await call(url(`/${kept.id}`), { token: staying.token })).status).toBe(200);
  });
});

/**
 * An upload as a client that honours Retry-After makes it: the images service reads
 * IMAGES_MAX_UPLOADS_IN_FLIGHT (16) at once and turns the rest away with 429 IMAGES.BUSY after
 * 30 s in line; such an upload is sent again once the Retry-After has passed (twice at most).
 * Any other answer is final. Returns the final answer and how many times it was turned away.
 */
async function uploadHonouringRetryAfter(who: Someone, bytes: Buffer, filename: string): Promise<{ answer: Answer<Image>; turnedAway: number }> {
  for (let turnedAway = 0; ; turnedAway++) {
    const sent = Date.now();
    const answer = await upload(who, bytes, filename);
    if (answer.status !== 429 || answer.body.code !== 'IMAGES.BUSY' || turnedAway === 2) return { answer, turnedAway };
    // turned away only after its 30 s in line, never at once
    expect(Date.now() - sent).toBeGreaterThanOrEqual(29_000);
    const retryAfter = answer.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    await sleep(Number(retryAfter) * 1000);
  }
}

describe('the gateway under upload load', () => {
  it('streams 20 concurrent 10 MB uploads without holding them: its RSS stays under 200 MB, and every upload is stored, at once or after a 429 IMAGES.BUSY and its Retry-After', async () => {
    const uploaders = await Promise.all(Array.from({ length: 20 }, () => someone()));
    const files = await Promise.all(uploaders.map(() => noisePng(1780)));
    // 10 MB each, just under the 10 MiB limit
    expect(files.every((file) => file.length > 9_900_000 && file.length < 10 * 1024 * 1024)).toBe(true);
    const pid = stack.gateway.child.pid as number;
    const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    const before = rss();
    let peak = before;
    let turnedAway = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
    try {
      const outcomes = await Promise.all(files.map((file, i) => uploadHonouringRetryAfter(uploaders[i] as Someone, file, `noise-${i}.png`)));
      expect(outcomes.map(({ answer }) => ({ status: answer.status, code: answer.body.code }))).toEqual(Array(20).fill({ status: 201, code: undefined }));
      turnedAway = outcomes.reduce((sum, outcome) => sum + outcome.turnedAway, 0);
      // the 16 read at once are never turned away: at most the 4 beyond them are, once each
      expect(outcomes.filter((outcome) => outcome.turnedAway > 0).length).toBeLessThanOrEqual(20 - 16);
      expect(outcomes.every((outcome) => outcome.turnedAway <= 1)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    const stored = await Promise.all(uploaders.map((uploader) => imagesOf(uploader.id)));
    expect(stored).toEqual(Array(20).fill(1));
    peak = Math.max(peak, rss());
    // reported for docs/images.md
    console.log(`gateway RSS: ${Math.round(before / 1048576)} MB before, ${Math.round(peak / 1048576)} MB at the peak of 20 × 10 MB uploads (${turnedAway} turned away with 429 and sent again)`);
    expect(peak).toBeLessThan(200 * 1024 * 1024);
  }, 240_000);
});

// last: every service of the stack loses its database for a moment
describe('when the database is unreachable', () => {
  it('answers 503 SERVICE_UNAVAILABLE, for metadata and uploads, within the deadline, and serves again when it is back', async () => {
    const owner = await someone();
    await uploaded(owner, await png(17, 17));
    const read = () => call(url('?limit=100'), { token: owner.token });
    expect((await read()).status).toBe(200);
    const restore = await stack.cutDatabase();
    try {
      const response = await read();
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', statusCode: 503 });
      expect(response.ms).toBeLessThan(DEADLINE_MS);
      const refused = await upload(owner, await png(18, 18));
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await restore();
    }
    await waitFor(async () => (await read()).status === 200, { what: 'the images service serving again', timeoutMs: 20_000, intervalMs: 250 });
  });
});

import busboy from 'busboy';
import { DomainError, ErrorKind, IMAGE_VISIBILITIES, ImagesErrors, type ImageVisibility } from '@site11/contracts';
import type { IncomingMessage } from 'node:http';
import type { ReceivedUpload } from './uploads.service';

const badUpload = (message: string) => new DomainError(ImagesErrors.badUpload, ErrorKind.InvalidArgument, message);
export const tooLarge = (limit: number) =>
  new DomainError(ImagesErrors.tooLarge, ErrorKind.PayloadTooLarge, `The file is larger than ${limit} bytes (${(limit / 1024 / 1024).toFixed(1)} MiB)`);

/**
 * A file name as stored and sent back: the last path segment only (no `../`, no `C:\`), no
 * control characters (C0, C1) nor bidirectional overrides (`photo\u202Egnp.exe`), no leading
 * dots, at most 255 characters; `image` when nothing is left.
 */
export function sanitizeFilename(raw: string | undefined): string {
  const last = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = last.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '').replace(/^[.\s]+/, '').trim().slice(0, 255).trim();
  return clean || 'image';
}

/**
 * Reads a multipart/form-data upload as it streams in (busboy): one part `file` (the image) and
 * optionally `visibility`; anything else is 400 IMAGES.BAD_UPLOAD. The file is refused with
 * 413 IMAGES.TOO_LARGE the moment it passes `maxBytes`, before the rest is read. Buffered once
 * (at most `maxBytes`): libvips decodes from memory.
 */
export function receiveUpload(request: IncomingMessage, maxBytes: number): Promise<ReceivedUpload> {
  return new Promise<ReceivedUpload>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxBytes, fields: 4, fieldSize: 1024, parts: 6, headerPairs: 20 } });
    } catch (error) {
      reject(badUpload(`Not a multipart/form-data body: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let settled = false;
    const fail = (error: DomainError) => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      // the rest of the body is not wanted; the caller answers now and closes the connection
      request.resume();
      reject(error);
    };
    const parts: Buffer[] = [];
    let received = 0;
    let file: { filename: string } | undefined;
    let visibility: ImageVisibility | undefined;

    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        fail(badUpload(`Unknown part "${name.slice(0, 64)}": send the image as the part named "file"`));
        return;
      }
      file = { filename: info.filename ?? '' };
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        parts.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge(maxBytes)));
    });
    parser.on('field', (name, value, info) => {
      if (name !== 'visibility') return fail(badUpload(`Unknown field "${name.slice(0, 64)}": only "file" and "visibility" are accepted`));
      if (info.valueTruncated || !(IMAGE_VISIBILITIES as readonly string[]).includes(value)) return fail(badUpload('visibility must be private or public'));
      visibility = value as ImageVisibility;
    });
    parser.on('filesLimit', () => fail(badUpload('Send one file per upload')));
    parser.on('fieldsLimit', () => fail(badUpload('Too many fields')));
    parser.on('partsLimit', () => fail(badUpload('Too many parts')));
    parser.on('error', (error: unknown) => fail(badUpload(`Malformed multipart body: ${error instanceof Error ? error.message : String(error)}`)));
    parser.on('close', () => {
      if (settled) return;
      if (!file) return fail(badUpload('No part named "file": send the image as multipart/form-data field "file"'));
      if (received === 0) return fail(badUpload('The file is empty'));
      settled = true;
      resolve({ data: Buffer.concat(parts, received), filename: sanitizeFilename(file.filename), ...(visibility ? { visibility } : {}) });
    });
    // a client (or gateway) gone before or while the body streams: no 'close' of the parser would
    // ever come, and the upload's slot would be held for good
    if (request.destroyed || request.readableAborted) {
      fail(badUpload('The upload was interrupted'));
      return;
    }
    request.on('close', () => {
      if (!request.complete) fail(badUpload('The upload was interrupted'));
    });
    request.pipe(parser);
  });
}

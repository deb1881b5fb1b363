import busboy from 'busboy';
import { DatasetsErrors, DomainError, ErrorKind, type ImportFormat } from '@site11/contracts';
import type { IncomingMessage } from 'node:http';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

const unknownFormat = (message: string) => new DomainError(DatasetsErrors.unknownFormat, ErrorKind.FailedPrecondition, message);
const badUpload = (message: string) => new DomainError(DatasetsErrors.badUpload, ErrorKind.InvalidArgument, message);

/** The format is decided from the file's first bytes. */
export type DeclaredFormat = ImportFormat | 'sniff';

const BY_MEDIA_TYPE: Record<string, DeclaredFormat> = {
  'application/octet-stream': 'sniff',
  'text/plain': 'sniff',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'application/jsonlines': 'ndjson',
};
const BY_EXTENSION: Record<string, DeclaredFormat> = { csv: 'csv', tsv: 'csv', txt: 'csv', json: 'json', ndjson: 'ndjson', jsonl: 'ndjson' };

/** The format a media type names (parameters such as charset ignored), if any. */
export function formatOfMediaType(contentType: string | undefined): DeclaredFormat | undefined {
  return BY_MEDIA_TYPE[(contentType ?? '').split(';')[0].trim().toLowerCase()];
}

/** The format of a multipart file part: its media type, else its file name's extension. */
function formatOfPart(mimeType: string, filename: string | undefined): DeclaredFormat {
  const declared = formatOfMediaType(mimeType);
  return declared && declared !== 'sniff' ? declared : (BY_EXTENSION[(filename ?? '').split('.').pop()?.toLowerCase() ?? ''] ?? 'sniff');
}

/**
 * The file of an import request and its format, without reading it: a raw body of a known
 * media type (text/csv, application/json, application/x-ndjson...), or the one part `file` of
 * a multipart/form-data body (format from the part's type or its name). Anything else is 422
 * DATA.UNKNOWN_FORMAT. `consume` receives the stream and must read it to its end.
 */
export function withImportFile<T>(request: IncomingMessage, consume: (format: DeclaredFormat, file: Readable) => Promise<T>): Promise<T> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    const format = formatOfMediaType(contentType);
    if (!format) return Promise.reject(unknownFormat(`Send CSV (text/csv), JSON (application/json), NDJSON (application/x-ndjson) or application/octet-stream, or multipart/form-data with the part "file"; not ${contentType.slice(0, 100) || 'no Content-Type'}`));
    return consume(format, request);
  }
  return new Promise<T>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, defParamCharset: 'utf8', limits: { files: 1, fields: 0, parts: 2, headerPairs: 20 } });
    } catch (error) {
      reject(badUpload(`Not a multipart/form-data body: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    let settled = false;
    let found = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(badUpload(`Unknown part "${name.slice(0, 64)}": send the file as the part named "file"`));
      }
      found = true;
      consume(formatOfPart(info.mimeType, info.filename), stream).then(
        (value) => {
          if (settled) return;
          settled = true;
          // the rest of the body (the closing boundary) is read and dropped
          request.resume();
          resolve(value);
        },
        (error) => {
          stream.resume();
          fail(error);
        },
      );
    });
    parser.on('field', (name) => fail(badUpload(`Unknown field "${name.slice(0, 64)}": only the part "file" is accepted`)));
    parser.on('filesLimit', () => fail(badUpload('Send one file per import')));
    parser.on('partsLimit', () => fail(badUpload('Send one part, "file"')));
    parser.on('fieldsLimit', () => fail(badUpload('Send one part, "file"')));
    parser.on('error', (error: unknown) => fail(badUpload(`Malformed multipart body: ${error instanceof Error ? error.message : String(error)}`)));
    parser.on('close', () => {
      if (!found) fail(badUpload('No part named "file": send the file as multipart/form-data field "file"'));
    });
    request.pipe(parser);
  });
}

/**
 * Writes `body` to `path`, counting; past `limit` bytes it stops writing and fails with
 * `tooLarge`, and the rest of the body is read and dropped, so the sender (the gateway, still
 * sending) hears the answer instead of a reset connection. A body cut short fails too.
 */
export function spoolTo(body: Readable, path: string, limit: number, tooLarge: () => Error): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const out = createWriteStream(path);
    let bytes = 0;
    let done = false;
    const fail = (error: unknown) => {
      if (done) return;
      done = true;
      body.unpipe(out);
      out.destroy();
      body.resume();
      reject(error);
    };
    body.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) fail(tooLarge());
    });
    body.once('error', fail);
    body.once('close', () => {
      if (!body.readableEnded) fail(badUpload('The upload was interrupted'));
    });
    out.once('error', fail);
    out.once('finish', () => {
      if (done) return;
      done = true;
      resolve(bytes);
    });
    body.pipe(out);
  });
}

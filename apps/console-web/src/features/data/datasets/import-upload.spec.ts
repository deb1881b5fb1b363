import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TokenSource } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import { startImport } from './import-upload';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** An XMLHttpRequest that answers from a script: each send takes the next answer. */
class FakeXhr {
  static sent: Sent[] = [];
  static answers: { status: number; body: unknown }[] = [];
  upload: { onprogress: ((event: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  responseType = '';
  status = 0;
  response: unknown = null;
  private request: Sent = { method: '', url: '', headers: {}, body: null };

  open(method: string, url: string) {
    this.request = { method, url, headers: {}, body: null };
  }
  setRequestHeader(name: string, value: string) {
    this.request.headers[name.toLowerCase()] = value;
  }
  abort() {
    this.onabort?.();
  }
  send(body: unknown) {
    this.request.body = body;
    FakeXhr.sent.push(this.request);
    const answer = FakeXhr.answers.shift();
    queueMicrotask(() => {
      if (!answer) return this.onerror?.();
      this.upload.onprogress?.({ lengthComputable: true, loaded: 5, total: 10 });
      this.upload.onprogress?.({ lengthComputable: true, loaded: 10, total: 10 });
      this.status = answer.status;
      this.response = answer.body;
      this.onload?.();
    });
  }
}

const tokens = (recovered: string | null = 'fresh'): TokenSource & { recoverFromUnauthorized: ReturnType<typeof vi.fn> } => ({
  accessToken: 'stale',
  recoverFromUnauthorized: vi.fn(async () => recovered),
  rejectedAfterRefresh: vi.fn(),
});

const file = new File(['name,age\nAda,36\n'], 'people.csv', { type: '' });

beforeEach(() => {
  FakeXhr.sent = [];
  FakeXhr.answers = [];
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
});
afterEach(() => vi.unstubAllGlobals());

describe('starting an import', () => {
  it('sends the file itself with its type, the mode and the token, reporting upload progress', async () => {
    FakeXhr.answers.push({ status: 202, body: { jobId: 'a'.repeat(24), status: 'queued' } });
    const progress: number[] = [];
    const accepted = await startImport(tokens(), '66000000000000000000000a', file, 'skip-invalid', (fraction) => progress.push(fraction));
    expect(accepted).toEqual({ jobId: 'a'.repeat(24), status: 'queued' });
    expect(FakeXhr.sent).toEqual([
      {
        method: 'POST',
        url: '/api/v1/data/datasets/66000000000000000000000a/imports?mode=skip-invalid',
        headers: { authorization: 'Bearer stale', 'content-type': 'text/csv' },
        body: file,
      },
    ]);
    expect(progress).toEqual([0.5, 1]);
  });

  it('retries once with a refreshed token after a 401', async () => {
    FakeXhr.answers.push({ status: 401, body: { code: 'AUTH.TOKEN_EXPIRED' } }, { status: 202, body: { jobId: 'b'.repeat(24), status: 'queued' } });
    const source = tokens();
    await startImport(source, 'd', file, 'strict', () => undefined);
    expect(source.recoverFromUnauthorized).toHaveBeenCalledWith('stale');
    expect(FakeXhr.sent.map((sent) => sent.headers['authorization'])).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('turns the API’s refusal into an ApiError with its code and message, and no answer into a network error', async () => {
    FakeXhr.answers.push({ status: 422, body: { statusCode: 422, code: 'DATA.BAD_HEADER', message: 'The column other is not in the schema', requestId: 'r1' } });
    const refused = await startImport(tokens(), 'd', file, 'strict', () => undefined).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 422, code: 'DATA.BAD_HEADER', message: 'The column other is not in the schema', requestId: 'r1' });

    const offline = await startImport(tokens(), 'd', file, 'strict', () => undefined).catch((error: unknown) => error);
    expect(offline).toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});

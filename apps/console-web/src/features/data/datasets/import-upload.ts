import type { TokenSource } from '../../../api/client';
import { ApiError, type FieldIssue, NETWORK_ERROR } from '../../../api/errors';
import type { ImportAccepted, ImportMode } from './data-queries';

/** What the file input offers; the API also sniffs a file sent as application/octet-stream. */
export const IMPORT_ACCEPT = '.csv,.tsv,.txt,.json,.ndjson,.jsonl,text/csv,text/tab-separated-values,application/json,application/x-ndjson';

/**
 * The Content-Type an import is sent with: by the file's extension (browsers often give CSV no
 * type, or a spreadsheet's), then by its type, else application/octet-stream (the API sniffs it).
 */
export function importContentType(file: { name: string; type: string }): string {
  const name = file.name.toLowerCase();
  if (/\.(csv|tsv|txt)$/.test(name)) return 'text/csv';
  if (/\.(ndjson|jsonl)$/.test(name)) return 'application/x-ndjson';
  if (name.endsWith('.json')) return 'application/json';
  if (['text/csv', 'application/json', 'application/x-ndjson'].includes(file.type)) return file.type;
  return 'application/octet-stream';
}

function send(
  url: string,
  file: File,
  token: string | null,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', importContentType(file));
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response as unknown });
    xhr.onerror = () => reject(new ApiError({ status: 0, code: NETWORK_ERROR, message: 'The upload could not reach the server' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    // the file itself is the body: the API streams it (no multipart envelope to parse)
    xhr.send(file);
  });
}

/**
 * `POST /api/v1/data/datasets/{id}/imports?mode=` with the file as the body, through
 * XMLHttpRequest (fetch cannot report upload progress). Signed in like every other request (a
 * 401 gets one retry with a refreshed token); the API's error becomes an ApiError with its code.
 * Resolves with the queued job (202) once the file is received.
 */
export async function startImport(
  tokens: TokenSource,
  datasetId: string,
  file: File,
  mode: ImportMode,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<ImportAccepted> {
  const url = `/api/v1/data/datasets/${encodeURIComponent(datasetId)}/imports?mode=${mode}`;
  let token = tokens.accessToken;
  let answer = await send(url, file, token, onProgress, signal);
  if (answer.status === 401) {
    token = await tokens.recoverFromUnauthorized(token);
    if (token) answer = await send(url, file, token, onProgress, signal);
  }
  if (answer.status === 202 || answer.status === 200 || answer.status === 201) return answer.body as ImportAccepted;
  const body = (answer.body ?? {}) as { code?: string; message?: string; details?: FieldIssue[]; requestId?: string };
  throw new ApiError({
    status: answer.status,
    code: body.code ?? `HTTP_${answer.status}`,
    message: body.message ?? `The upload failed (${answer.status})`,
    requestId: body.requestId ?? null,
    ...(Array.isArray(body.details) ? { details: body.details } : {}),
  });
}

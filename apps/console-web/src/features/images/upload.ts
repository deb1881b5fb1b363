import { ApiError, type FieldIssue, NETWORK_ERROR } from '../../api/errors';
import type { TokenSource } from '../../api/client';
import type { Image } from './queries';

export interface UploadAnswer {
  /** 201: a new image; 200: the same bytes were uploaded before, this is that image. */
  created: boolean;
  image: Image;
}

function send(file: File, token: string | null, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/images');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response as unknown });
    xhr.onerror = () => reject(new ApiError({ status: 0, code: NETWORK_ERROR, message: 'The upload could not reach the server' }));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/**
 * `POST /api/v1/images` as multipart, through XMLHttpRequest: fetch cannot report upload
 * progress. Signed in like every other request (a 401 gets one retry with a refreshed token);
 * the API's error becomes an ApiError with its code, as from the typed client.
 */
export async function uploadImage(tokens: TokenSource, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<UploadAnswer> {
  let token = tokens.accessToken;
  let answer = await send(file, token, onProgress, signal);
  if (answer.status === 401) {
    token = await tokens.recoverFromUnauthorized(token);
    if (token) answer = await send(file, token, onProgress, signal);
  }
  if (answer.status === 200 || answer.status === 201) return { created: answer.status === 201, image: answer.body as Image };
  const body = (answer.body ?? {}) as { code?: string; message?: string; details?: FieldIssue[]; requestId?: string };
  throw new ApiError({
    status: answer.status,
    code: body.code ?? `HTTP_${answer.status}`,
    message: body.message ?? `The upload failed (${answer.status})`,
    requestId: body.requestId ?? null,
    ...(Array.isArray(body.details) ? { details: body.details } : {}),
  });
}

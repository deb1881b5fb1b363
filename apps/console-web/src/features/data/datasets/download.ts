import { toApiError } from '../../../api/errors';

/**
 * The file name of a `Content-Disposition` header: `filename*` (RFC 5987, UTF-8) first, then
 * `filename`, else `fallback`. Path separators and control characters never survive.
 */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  let name: string | undefined;
  if (header) {
    const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (extended?.[1]) {
      try {
        name = decodeURIComponent(extended[1].trim());
      } catch {
        name = undefined;
      }
    }
    if (!name) {
      const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(header);
      const bare = /filename\s*=\s*([^;"\s]+)/.exec(header);
      name = quoted?.[1]?.replace(/\\(.)/g, '$1') ?? bare?.[1];
    }
  }
  // eslint-disable-next-line no-control-regex -- control characters are what it removes
  const safe = (name ?? '').replace(/[/\\\u0000-\u001f\u007f]/g, '_').trim();
  return safe && safe !== '.' && safe !== '..' ? safe : fallback;
}

/** Hands a blob to the browser as a download named `filename` (an object URL and `<a download>`). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.rel = 'noopener';
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // the browser has taken the bytes once the download started; a minute is plenty
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

type BlobAnswer = { data?: unknown; error?: unknown; response: Response };

/**
 * A file of the API fetched with the session's token (the typed client with `parseAs: 'blob'`:
 * a link cannot send a bearer token), then saved under the name its `Content-Disposition` gives.
 * Resolves with that name; a failed answer throws its ApiError.
 */
export async function downloadAnswer(call: Promise<BlobAnswer>, fallback: string): Promise<string> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  const filename = filenameFromDisposition(response.headers.get('content-disposition'), fallback);
  saveBlob(data as Blob, filename);
  return filename;
}

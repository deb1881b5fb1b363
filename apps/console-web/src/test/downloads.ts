import { vi } from 'vitest';

/**
 * What `saveBlob` hands the browser, captured (jsdom has no object URLs and no downloads): call in
 * `beforeEach`; `saved` lists each `<a download>` clicked, `blobs` the bytes behind its URL.
 */
export function captureDownloads() {
  const capture = { saved: [] as { href: string; download: string }[], blobs: [] as Blob[] };
  URL.createObjectURL = vi.fn((blob: Blob) => {
    capture.blobs.push(blob);
    return `blob:http://localhost/${capture.blobs.length}`;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    capture.saved.push({ href: this.href, download: this.download });
  });
  return capture;
}

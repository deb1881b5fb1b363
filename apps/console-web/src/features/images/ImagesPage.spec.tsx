import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/errors';
import { json, MEMBER } from '../../test/api-mock';
import { renderApp } from '../../test/render';
import type { Image } from './queries';
import { uploadImage } from './upload';

vi.mock('./upload', () => ({ uploadImage: vi.fn() }));

const at = '2025-01-01T10:00:00.000Z';
const image = (id: string, filename: string, extra: Partial<Image> = {}): Image => ({
  id,
  ownerId: MEMBER.id,
  filename,
  contentType: 'image/jpeg',
  bytes: 1_200_000,
  width: 4000,
  height: 3000,
  sha256: 'a'.repeat(64),
  variants: [
    { name: 'original', contentType: 'image/jpeg', width: 4000, height: 3000, bytes: 1_200_000 },
    { name: 'thumb', contentType: 'image/webp', width: 256, height: 192, bytes: 9_000 },
    { name: 'medium', contentType: 'image/webp', width: 1024, height: 768, bytes: 90_000 },
    { name: 'large', contentType: 'image/webp', width: 2048, height: 1536, bytes: 300_000 },
  ],
  visibility: 'private',
  status: 'ready',
  createdAt: at,
  updatedAt: at,
  ...extra,
});
const SUNSET = image('660000000000000000000001', 'sunset.jpg');
const BEACH = image('660000000000000000000002', 'beach.jpg');
const usage = (count: number, bytes: number) => json(200, { ownerId: MEMBER.id, count, bytes, quotaBytes: 500_000_000, remainingBytes: 500_000_000 - bytes });
const content = () => new Response(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/webp' }), { status: 200, headers: { 'content-type': 'image/webp' } });

beforeEach(() => {
  URL.createObjectURL = vi.fn(() => 'blob:http://localhost/thumb');
  URL.revokeObjectURL = vi.fn();
  vi.mocked(uploadImage).mockReset();
});

describe('the images screens', () => {
  it('show my usage against the quota and my images as thumbnails fetched with my token', async () => {
    const { gateway } = await renderApp('/images', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/images': () => json(200, { items: [SUNSET, BEACH], nextCursor: null }),
        'GET /api/v1/images/usage': () => usage(2, 1_650_000),
        [`GET /api/v1/images/${SUNSET.id}/content`]: content,
        [`GET /api/v1/images/${BEACH.id}/content`]: content,
      },
    });
    const gallery = await screen.findByRole('list', { name: 'Gallery' });
    const thumbnails = await within(gallery).findAllByRole('img');
    expect(thumbnails.map((img) => img.getAttribute('alt'))).toEqual(['sunset.jpg', 'beach.jpg']);
    expect(thumbnails[0]).toHaveAttribute('src', 'blob:http://localhost/thumb');
    expect(within(gallery).getByRole('link', { name: 'sunset.jpg' })).toHaveAttribute('href', `/images/${SUNSET.id}`);
    expect(await screen.findByTestId('images-usage')).toHaveTextContent('1.7 MB of 500 MB (2 images)');
    expect(screen.getByRole('progressbar', { name: 'Storage used' })).toBeInTheDocument();
    const [thumbRequest] = gateway.calls('GET', `/api/v1/images/${SUNSET.id}/content`);
    expect(new URL(thumbRequest!.url).searchParams.get('variant')).toBe('thumb');
    expect(thumbRequest!.headers.get('authorization')).toBe('Bearer access-1');
  });

  it('upload several files with a progress bar each, then link to the new image or say in words why one was refused', async () => {
    let finish: (value: { created: boolean; image: Image }) => void = () => undefined;
    vi.mocked(uploadImage)
      .mockImplementationOnce((_tokens, _file, onProgress) => {
        onProgress(0.4);
        return new Promise((resolve) => (finish = resolve));
      })
      .mockRejectedValueOnce(new ApiError({ status: 415, code: 'IMAGES.UNSUPPORTED_TYPE', message: 'Only JPEG…' }));
    let listed: Image[] = [];
    const { user, gateway } = await renderApp('/images', {
      user: MEMBER,
      handlers: {
        'GET /api/v1/images': () => json(200, { items: listed, nextCursor: null }),
        'GET /api/v1/images/usage': () => usage(listed.length, 0),
        [`GET /api/v1/images/${SUNSET.id}/content`]: content,
      },
    });
    expect(await screen.findByText('No images yet. Upload one above.')).toBeInTheDocument();
    const files = [new File(['jpeg'], 'sunset.jpg', { type: 'image/jpeg' }), new File(['<html>'], 'page.jpg', { type: 'image/jpeg' })];
    const input = document.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input).toHaveAttribute('accept', 'image/jpeg,image/png,image/webp,image/avif,image/gif');
    expect(input).toHaveAttribute('multiple');
    await user.upload(input, files);

    const uploads = screen.getByRole('region', { name: 'Uploads' });
    expect(await within(uploads).findByRole('progressbar', { name: 'Uploading sunset.jpg' })).toHaveAttribute('aria-valuenow', '40');
    expect(await within(uploads).findByRole('alert')).toHaveTextContent('Not uploaded: This file is not a JPEG, PNG, WebP, AVIF or GIF image.');

    listed = [SUNSET];
    const listsBefore = gateway.calls('GET', '/api/v1/images').length;
    finish({ created: true, image: SUNSET });
    expect(await within(uploads).findByText('Uploaded')).toBeInTheDocument();
    expect(within(uploads).getByRole('link', { name: 'sunset.jpg' })).toHaveAttribute('href', `/images/${SUNSET.id}`);
    await waitFor(() => expect(gateway.calls('GET', '/api/v1/images').length).toBeGreaterThan(listsBefore));
    expect(await screen.findByRole('img', { name: 'sunset.jpg' })).toBeInTheDocument();
    expect(vi.mocked(uploadImage).mock.calls.map(([, file]) => file.name)).toEqual(['sunset.jpg', 'page.jpg']);
  });

  it('rename an image (checked before asking), give it a public link and take it back, and delete it after confirming', async () => {
    let current = SUNSET;
    const patches: unknown[] = [];
    const { user, gateway, router } = await renderApp(`/images/${SUNSET.id}`, {
      user: MEMBER,
      handlers: {
        [`GET /api/v1/images/${SUNSET.id}`]: () => json(200, current),
        [`GET /api/v1/images/${SUNSET.id}/content`]: content,
        [`PATCH /api/v1/images/${SUNSET.id}`]: async (request) => {
          const body = (await request.json()) as Partial<Image>;
          patches.push(body);
          current = {
            ...current,
            ...body,
            ...(body.visibility === 'public' ? { publicUrl: '/api/v1/images/public/q3bW1Jc4d8oPz0lYv2m9Xg/content' } : body.visibility === 'private' ? { publicUrl: undefined } : {}),
          };
          return json(200, current);
        },
        [`DELETE /api/v1/images/${SUNSET.id}`]: () => json(204),
        'GET /api/v1/images': () => json(200, { items: [], nextCursor: null }),
        'GET /api/v1/images/usage': () => usage(0, 0),
      },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'sunset.jpg' })).toBeInTheDocument();
    expect(await screen.findByRole('img', { name: 'Preview of sunset.jpg' })).toBeInTheDocument();
    expect(new URL(gateway.calls('GET', `/api/v1/images/${SUNSET.id}/content`)[0]!.url).searchParams.get('variant')).toBe('medium');
    const sizes = screen.getByRole('region', { name: 'Sizes' });
    expect(within(sizes).getAllByRole('row').slice(1).map((row) => row.textContent)).toEqual([
      'Originalimage/jpeg4000×30001.2 MB',
      'Thumbnailimage/webp256×1929 kB',
      'Mediumimage/webp1024×76890 kB',
      'Largeimage/webp2048×1536300 kB',
    ]);

    const name = screen.getByRole('textbox', { name: 'File name' });
    await user.clear(name);
    await user.type(name, '../evil.jpg');
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    expect(await screen.findByText('A file name cannot contain /, \\ or control characters')).toBeInTheDocument();
    expect(patches).toHaveLength(0);
    await user.clear(name);
    await user.type(name, 'golden hour.jpg');
    await user.click(screen.getByRole('button', { name: 'Rename' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'golden hour.jpg' })).toBeInTheDocument();

    await user.click(screen.getByRole('switch', { name: /Public link/ }));
    expect(await screen.findByTestId('public-url')).toHaveTextContent(/^http:\/\/localhost(:\d+)?\/api\/v1\/images\/public\/q3bW1Jc4d8oPz0lYv2m9Xg\/content$/);
    await user.click(screen.getByRole('switch', { name: /Public link/ }));
    await waitFor(() => expect(screen.queryByTestId('public-url')).not.toBeInTheDocument());
    expect(patches).toEqual([{ filename: 'golden hour.jpg' }, { visibility: 'public' }, { visibility: 'private' }]);

    await user.click(screen.getByRole('button', { name: 'Delete image' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete this image?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/images'));
    expect(gateway.calls('DELETE', `/api/v1/images/${SUNSET.id}`)).toHaveLength(1);
  });
});

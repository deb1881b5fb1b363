import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { axe, expect, isBlocking, screenshot, signIn, test } from '../support/fixtures';

/** A real camera-like JPEG (with EXIF GPS), written to disk as a user would pick it. */
async function photo(name: string, colour: { r: number; g: number; b: number }): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'site11-images-'));
  const file = join(dir, name);
  const bytes = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: colour } })
    .composite([{ input: { create: { width: 600, height: 400, channels: 3, background: { r: 250, g: 250, b: 250 } } }, left: 500, top: 400 }])
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { Make: 'Browser Test Camera' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 0/1' } })
    .toBuffer();
  writeFileSync(file, bytes);
  return file;
}

test.describe('Images screens', () => {
  test('a user uploads JPEGs by choosing and by dropping them, sees their thumbnails, opens one, shares it by link and deletes it', async ({ page, platform }, testInfo) => {
    const owner = await platform.createUser('gallery', 'Owner Of Photos');
    await signIn(page, owner);
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Images', exact: true }).click();
    await expect(page).toHaveURL(/\/images$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeVisible();
    await expect(page.getByText('No images yet. Upload one above.')).toBeVisible();
    await expect(page.getByTestId('images-usage')).toContainText('0B of');

    // chosen with the file picker, as from the keyboard or a click
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload images' }).click();
    await (await chooser).setFiles(await photo('harbour.jpg', { r: 30, g: 90, b: 160 }));
    const uploads = page.getByRole('region', { name: 'Uploads' });
    await expect(uploads.getByText('Uploaded', { exact: true })).toBeVisible();

    // dropped on the drop zone
    const dropped = await photo('meadow.jpg', { r: 60, g: 150, b: 70 });
    const transfer = await page.evaluateHandle(async ({ name, base64 }) => {
      const data = new DataTransfer();
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], name, { type: 'image/jpeg' }));
      return data;
    }, { name: 'meadow.jpg', base64: (await import('node:fs')).readFileSync(dropped).toString('base64') });
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
    await expect(uploads.getByText('Uploaded', { exact: true })).toHaveCount(2);

    // the thumbnails, really decoded by the browser
    const gallery = page.getByRole('list', { name: 'Gallery' });
    for (const name of ['harbour.jpg', 'meadow.jpg']) {
      const thumbnail = gallery.getByRole('img', { name });
      await expect(thumbnail).toBeVisible();
      await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
    }
    await expect(page.getByTestId('images-usage')).toContainText('(2 images)');
    await screenshot(page, 'images-gallery', testInfo);
    expect((await axe(page, 'images-gallery', testInfo)).filter(isBlocking)).toEqual([]);

    // the same file again: already there, not a second image
    const again = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload images' }).click();
    await (await again).setFiles(dropped);
    await expect(uploads.getByText('Already in your images')).toBeVisible();
    await expect(gallery.getByRole('listitem')).toHaveCount(2);

    // a file that is not an image, refused in words
    const dir = mkdtempSync(join(tmpdir(), 'site11-images-'));
    writeFileSync(join(dir, 'notes.jpg'), '<!doctype html><p>not a photo</p>');
    const refused = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload images' }).click();
    await (await refused).setFiles(join(dir, 'notes.jpg'));
    await expect(uploads.getByRole('alert')).toHaveText('Not uploaded: This file is not a JPEG, PNG, WebP, AVIF or GIF image.');

    await gallery.getByRole('link', { name: 'harbour.jpg' }).click();
    await expect(page).toHaveURL(/\/images\/[0-9a-f]{24}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'harbour.jpg' })).toBeVisible();
    const preview = page.getByRole('img', { name: 'Preview of harbour.jpg' });
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1024);
    const sizes = page.getByRole('region', { name: 'Sizes' });
    await expect(sizes.getByRole('row')).toHaveCount(5);
    await expect(sizes.getByRole('row', { name: /Thumbnail/ })).toContainText('256×192');

    await page.getByRole('textbox', { name: 'File name' }).fill('harbour at dusk.jpg');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'harbour at dusk.jpg' })).toBeVisible();

    await page.getByRole('switch', { name: /Public link/ }).check();
    const link = (await page.getByTestId('public-url').textContent()) ?? '';
    expect(link).toMatch(/\/api\/v1\/images\/public\/[A-Za-z0-9_-]{22}\/content$/);
    // anyone with the link: no session, no token
    const anonymous = await page.request.get(`${link}?variant=thumb`, { headers: { cookie: '' } });
    expect(anonymous.status()).toBe(200);
    expect(anonymous.headers()['content-type']).toBe('image/webp');
    await screenshot(page, 'images-image', testInfo);
    expect((await axe(page, 'images-image', testInfo)).filter(isBlocking)).toEqual([]);
    await page.getByRole('switch', { name: /Public link/ }).uncheck();
    await expect(page.getByTestId('public-url')).toHaveCount(0);
    expect((await page.request.get(link)).status()).toBe(404);

    await page.getByRole('button', { name: 'Delete image' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this image?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page).toHaveURL(/\/images$/);
    await expect(gallery.getByRole('listitem')).toHaveCount(1);
    await expect(gallery.getByRole('img', { name: 'meadow.jpg' })).toBeVisible();
  });
});

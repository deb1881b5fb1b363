import { Anchor, Badge, Button, FileButton, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { type DragEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api/errors';
import { useSession } from '../../app/services-context';
import { describeError } from '../../ui/messages';
import { useImagesChanged } from './queries';
import { uploadImage } from './upload';

export const ACCEPTED_TYPES = 'image/jpeg,image/png,image/webp,image/avif,image/gif';

interface Upload {
  key: number;
  name: string;
  progress: number;
  status: 'uploading' | 'uploaded' | 'duplicate' | 'failed';
  error?: string;
  imageId?: string;
}

const KNOWN_CODES = new Set(['IMAGES.UNSUPPORTED_TYPE', 'IMAGES.TOO_LARGE', 'IMAGES.TOO_MANY_PIXELS', 'IMAGES.CORRUPT', 'IMAGES.QUOTA_EXCEEDED', 'IMAGES.TOO_MANY_UPLOADS', 'IMAGES.BUSY']);

/**
 * Upload by dropping files or choosing them (the button is the keyboard's way in; the drop zone
 * is a shortcut for the mouse): each file its own upload with a progress bar, then a link to the
 * image, or why it was refused, in words.
 */
export function UploadArea() {
  const { t } = useTranslation();
  const session = useSession();
  const changed = useImagesChanged();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const next = useRef(0);

  const patch = (key: number, change: Partial<Upload>) => setUploads((all) => all.map((upload) => (upload.key === key ? { ...upload, ...change } : upload)));

  const start = (files: File[]) => {
    for (const file of files) {
      const key = next.current++;
      setUploads((all) => [...all, { key, name: file.name, progress: 0, status: 'uploading' }]);
      uploadImage(session, file, (fraction) => patch(key, { progress: Math.round(fraction * 100) }))
        .then(({ created, image }) => {
          patch(key, { progress: 100, status: created ? 'uploaded' : 'duplicate', imageId: image.id });
          changed();
        })
        .catch((error: unknown) => {
          const code = error instanceof ApiError ? error.code : '';
          patch(key, { status: 'failed', error: KNOWN_CODES.has(code) ? t(`images.codes.${code}` as never) : describeError(t, error) });
        });
    }
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    start(Array.from(event.dataTransfer.files));
  };
  const finished = uploads.some(({ status }) => status !== 'uploading');

  return (
    <Stack gap="sm">
      <Paper
        withBorder
        p="lg"
        data-testid="drop-zone"
        data-dragging={dragging || undefined}
        onDragOver={(event: DragEvent<HTMLDivElement>) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        style={{ borderStyle: 'dashed', borderWidth: 2, borderColor: dragging ? 'var(--mantine-primary-color-filled)' : undefined }}
      >
        <Group justify="space-between" wrap="wrap" gap="md">
          <Stack gap={4} style={{ flex: '1 1 260px' }}>
            <Text fw={600}>{t('images.dropHere')}</Text>
            <Text size="sm" c="dimmed">
              {t('images.dropHint')}
            </Text>
          </Stack>
          <FileButton onChange={(files) => start(files)} accept={ACCEPTED_TYPES} multiple>
            {(props) => <Button {...props}>{t('images.upload')}</Button>}
          </FileButton>
        </Group>
      </Paper>
      {uploads.length > 0 ? (
        <Stack gap="xs" component="section" aria-label={t('images.uploads')}>
          <ul style={{ listStyle: 'none', margin: 0, padding: 0, display: 'grid', gap: 8 }}>
            {uploads.map((upload) => (
              <li key={upload.key}>
                <Group gap="sm" wrap="nowrap">
                  <Text size="sm" style={{ flex: '0 1 240px', overflowWrap: 'anywhere' }}>
                    {upload.imageId ? (
                      <Anchor component={Link} to={`/images/${upload.imageId}`}>
                        {upload.name}
                      </Anchor>
                    ) : (
                      upload.name
                    )}
                  </Text>
                  {upload.status === 'uploading' ? (
                    <Progress value={upload.progress} style={{ flex: 1 }} aria-label={t('images.uploading', { name: upload.name })} animated />
                  ) : upload.status === 'failed' ? (
                    <Text size="sm" c="red.9" role="alert" style={{ flex: 1 }}>
                      {t('images.failed')}: {upload.error}
                    </Text>
                  ) : (
                    <Badge color={upload.status === 'uploaded' ? 'teal.9' : 'gray.7'} variant="filled">
                      {upload.status === 'uploaded' ? t('images.uploaded') : t('images.duplicate')}
                    </Badge>
                  )}
                </Group>
              </li>
            ))}
          </ul>
          {finished ? (
            <Group>
              <Button variant="subtle" size="xs" onClick={() => setUploads((all) => all.filter(({ status }) => status === 'uploading'))}>
                {t('images.dismiss')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      ) : null}
    </Stack>
  );
}

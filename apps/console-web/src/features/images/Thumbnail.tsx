import { Center, Image as MantineImage, Skeleton, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { type ImageVariantName, useImageUrl } from './queries';

export interface ThumbnailProps {
  id: string;
  alt: string;
  variant?: ImageVariantName;
  height: number;
}

/** An image of the API in an `<img>` (fetched with the session's token), a skeleton until it arrives. */
export function Thumbnail({ id, alt, variant = 'thumb', height }: ThumbnailProps) {
  const { t } = useTranslation();
  const { url, failed } = useImageUrl(id, variant);
  if (failed) {
    return (
      <Center h={height} bg="gray.1">
        <Text size="xs" c="dimmed">
          {t('errors.notFound')}
        </Text>
      </Center>
    );
  }
  if (!url) return <Skeleton height={height} aria-hidden="true" />;
  return <MantineImage src={url} alt={alt} h={height} fit="contain" bg="gray.1" />;
}

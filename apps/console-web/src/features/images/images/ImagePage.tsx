import { Anchor, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../../api/errors';
import { dateTime } from '../../../lib/format';
import { ConfirmDialog } from '../../../ui/ConfirmDialog';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { usePageTitle } from '../../../ui/usePageTitle';
import { ImageForm } from './ImageForm';
import { useDeleteImage, useImage, useUpdateImage } from './queries';

/** `/images/images/:id`: an image (its owner or an admin): change it; delete it after confirming. */
export default function ImagePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const remove = useDeleteImage(id);
  const image = useImage(id, !remove.isSuccess);
  const update = useUpdateImage(id);
  const [confirming, confirm] = useDisclosure(false);
  usePageTitle(t('imagesImages.detailTitle', { name: image.data?.name ?? '' }));

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirm.close();
      void navigate('/images/images', { replace: true });
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/images/images" size="sm">
        ← {t('imagesImages.back')}
      </Anchor>
      <Title order={1} size="h2">
        {image.data ? image.data.name : image.isPending ? <Skeleton height={28} width={240} component="span" display="inline-block" /> : t('imagesImages.detailHeading')}
      </Title>

      {/* 400: an address whose id is not an ObjectId names nothing either */}
      {image.isError && (isApiError(image.error, 404) || isApiError(image.error, 400)) ? (
        <Text>{t('imagesImages.notFound')}</Text>
      ) : image.isError ? (
        <ErrorBanner
          error={image.error}
          hasData={image.data !== undefined}
          onRetry={() => void image.refetch()}
          retrying={image.isFetching}
        />
      ) : null}

      {image.data ? (
        <>
          <Text c="dimmed" size="sm">
            {t('imagesImages.created', { date: dateTime(image.data.createdAt, i18n.language) })} · {t('imagesImages.owner')}{' '}
            <Text span ff="monospace" size="sm">
              {image.data.ownerId}
            </Text>
          </Text>
          <Paper withBorder p="md" component="section" aria-labelledby="image-details-heading" maw={640}>
            <Title order={2} size="h4" mb="sm" id="image-details-heading">
              {t('imagesImages.details')}
            </Title>
            <ImageForm image={image.data} submitLabel={t('common.save')} onSubmit={(body) => update.mutateAsync(body)} />
          </Paper>
          <Group>
            <Button color="red" variant="outline" onClick={confirm.open}>
              {t('imagesImages.delete')}
            </Button>
          </Group>
          <ConfirmDialog
            opened={confirming}
            onClose={confirm.close}
            title={t('imagesImages.deleteTitle')}
            body={t('imagesImages.deleteBody', { name: image.data.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void onDelete()}
            loading={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            danger
          />
        </>
      ) : image.isPending ? (
        <ListSkeleton rows={4} height={36} />
      ) : null}
    </Stack>
  );
}

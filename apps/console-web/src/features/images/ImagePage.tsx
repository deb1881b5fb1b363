import { Anchor, Button, Code, CopyButton, Group, Paper, Skeleton, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/errors';
import { byteSize, dateTime } from '../../lib/format';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { usePageTitle } from '../../ui/usePageTitle';
import { type Image, type ImageVariantName, useDeleteImage, useImage, useUpdateImage } from './queries';
import { Thumbnail } from './Thumbnail';

/** The API's rule for file names (IMAGE_FILENAME_PATTERN), checked before asking. */
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const FILENAME = /^(?!\.{1,2}$)[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069/\\]{1,255}$/;

const VARIANT_LABELS: Record<ImageVariantName, 'images.variantOriginal' | 'images.variantThumb' | 'images.variantMedium' | 'images.variantLarge'> = {
  original: 'images.variantOriginal',
  thumb: 'images.variantThumb',
  medium: 'images.variantMedium',
  large: 'images.variantLarge',
};

function RenameForm({ image }: { image: Image }) {
  const { t } = useTranslation();
  const update = useUpdateImage(image.id);
  const [filename, setFilename] = useState(image.filename);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => setFilename(image.filename), [image.filename]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = filename.trim();
    if (!FILENAME.test(wanted)) return setInvalid(true);
    setInvalid(false);
    update.mutate({ filename: wanted });
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('images.rename')}
          value={filename}
          onChange={(event) => setFilename(event.currentTarget.value)}
          maxLength={255}
          error={invalid ? t('images.renameInvalid') : undefined}
          style={{ flex: '1 1 260px' }}
          maw={420}
        />
        <Button type="submit" variant="default" loading={update.isPending} disabled={filename.trim() === image.filename}>
          {t('images.renameSubmit')}
        </Button>
      </Group>
      {update.isError ? <ErrorBanner error={update.error} /> : null}
    </form>
  );
}

function PublicLink({ image }: { image: Image }) {
  const { t } = useTranslation();
  const update = useUpdateImage(image.id);
  // the switch follows the click at once; the answer confirms it (or an error shows below and it flips back)
  const [wanted, setWanted] = useState<Image['visibility'] | null>(null);
  const link = image.publicUrl ? new URL(image.publicUrl, window.location.origin).toString() : null;
  const toggle = (visibility: Image['visibility']) => {
    setWanted(visibility);
    update.mutate({ visibility }, { onSettled: () => setWanted(null) });
  };
  return (
    <Stack gap="xs">
      <Switch
        label={t('images.public')}
        description={t('images.publicHint')}
        checked={(wanted ?? image.visibility) === 'public'}
        onChange={(event) => toggle(event.currentTarget.checked ? 'public' : 'private')}
      />
      {link ? (
        <Group gap="xs" wrap="nowrap">
          <Text size="sm" fw={600}>
            {t('images.publicUrl')}
          </Text>
          <Code data-testid="public-url" style={{ overflowWrap: 'anywhere' }}>
            {link}
          </Code>
          <CopyButton value={link}>
            {({ copied, copy }) => (
              <Button size="xs" variant="default" onClick={copy}>
                {copied ? t('images.copied') : t('images.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      ) : null}
      {update.isError ? <ErrorBanner error={update.error} /> : null}
    </Stack>
  );
}

/** `/images/:id`: preview, metadata, the stored sizes, rename, public link on/off, delete after confirming. */
export default function ImagePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const remove = useDeleteImage(id);
  const image = useImage(id, !remove.isSuccess);
  const [confirming, confirm] = useDisclosure(false);
  usePageTitle(t('images.detailTitle', { name: image.data?.filename ?? '' }));
  const data = image.data;

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirm.close();
      void navigate('/images', { replace: true });
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/images" size="sm">
        ← {t('images.back')}
      </Anchor>
      <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
        {data ? data.filename : image.isPending ? <Skeleton height={28} width={240} component="span" display="inline-block" /> : t('images.detailHeading')}
      </Title>

      {image.isError && (isApiError(image.error, 404) || isApiError(image.error, 400)) ? (
        <Text>{t('images.notFound')}</Text>
      ) : image.isError ? (
        <ErrorBanner error={image.error} hasData={data !== undefined} onRetry={() => void image.refetch()} retrying={image.isFetching} />
      ) : null}

      {data ? (
        <>
          <Paper withBorder maw={720}>
            <Thumbnail id={data.id} variant="medium" alt={t('images.preview', { name: data.filename })} height={360} />
          </Paper>
          <Paper withBorder p="md" component="section" aria-labelledby="image-details-heading" maw={720}>
            <Stack gap="md">
              <Title order={2} size="h4" id="image-details-heading">
                {t('images.details')}
              </Title>
              <Table variant="vertical" layout="fixed">
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={160}>{t('images.type')}</Table.Th>
                    <Table.Td>{data.contentType}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('images.dimensions')}</Table.Th>
                    <Table.Td>
                      {data.width}×{data.height}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('images.size')}</Table.Th>
                    <Table.Td>{byteSize(data.bytes, i18n.language)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('images.uploadedAt')}</Table.Th>
                    <Table.Td>{dateTime(data.createdAt, i18n.language)}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('images.checksum')}</Table.Th>
                    <Table.Td>
                      <Code style={{ overflowWrap: 'anywhere' }}>{data.sha256}</Code>
                    </Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
              <RenameForm image={data} />
              <PublicLink image={data} />
            </Stack>
          </Paper>
          <Paper withBorder p="md" component="section" aria-labelledby="image-sizes-heading" maw={720}>
            <Title order={2} size="h4" mb="sm" id="image-sizes-heading">
              {t('images.sizes')}
            </Title>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('images.sizeName')}</Table.Th>
                  <Table.Th scope="col">{t('images.type')}</Table.Th>
                  <Table.Th scope="col">{t('images.dimensions')}</Table.Th>
                  <Table.Th scope="col">{t('images.size')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.variants.map((variant) => (
                  <Table.Tr key={variant.name}>
                    <Table.Td>{t(VARIANT_LABELS[variant.name as ImageVariantName])}</Table.Td>
                    <Table.Td>{variant.contentType}</Table.Td>
                    <Table.Td>
                      {variant.width}×{variant.height}
                    </Table.Td>
                    <Table.Td>{byteSize(variant.bytes, i18n.language)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Group>
            <Button color="red.9" variant="outline" onClick={confirm.open}>
              {t('images.delete')}
            </Button>
          </Group>
          <ConfirmDialog
            opened={confirming}
            onClose={confirm.close}
            title={t('images.deleteTitle')}
            body={t('images.deleteBody', { name: data.filename })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void onDelete()}
            loading={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            danger
          />
        </>
      ) : null}
    </Stack>
  );
}

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
import { EntryForm } from './EntryForm';
import { useDeleteEntry, useEntry, useUpdateEntry } from './queries';

/** `/audit/entries/:id`: an entry (its owner or an admin): change it; delete it after confirming. */
export default function EntryPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const remove = useDeleteEntry(id);
  const entry = useEntry(id, !remove.isSuccess);
  const update = useUpdateEntry(id);
  const [confirming, confirm] = useDisclosure(false);
  usePageTitle(t('auditEntries.detailTitle', { name: entry.data?.name ?? '' }));

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirm.close();
      void navigate('/audit/entries', { replace: true });
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/audit/entries" size="sm">
        ← {t('auditEntries.back')}
      </Anchor>
      <Title order={1} size="h2">
        {entry.data ? entry.data.name : entry.isPending ? <Skeleton height={28} width={240} component="span" display="inline-block" /> : t('auditEntries.detailHeading')}
      </Title>

      {/* 400: an address whose id is not an ObjectId names nothing either */}
      {entry.isError && (isApiError(entry.error, 404) || isApiError(entry.error, 400)) ? (
        <Text>{t('auditEntries.notFound')}</Text>
      ) : entry.isError ? (
        <ErrorBanner
          error={entry.error}
          hasData={entry.data !== undefined}
          onRetry={() => void entry.refetch()}
          retrying={entry.isFetching}
        />
      ) : null}

      {entry.data ? (
        <>
          <Text c="dimmed" size="sm">
            {t('auditEntries.created', { date: dateTime(entry.data.createdAt, i18n.language) })} · {t('auditEntries.owner')}{' '}
            <Text span ff="monospace" size="sm">
              {entry.data.ownerId}
            </Text>
          </Text>
          <Paper withBorder p="md" component="section" aria-labelledby="entry-details-heading" maw={640}>
            <Title order={2} size="h4" mb="sm" id="entry-details-heading">
              {t('auditEntries.details')}
            </Title>
            <EntryForm entry={entry.data} submitLabel={t('common.save')} onSubmit={(body) => update.mutateAsync(body)} />
          </Paper>
          <Group>
            <Button color="red" variant="outline" onClick={confirm.open}>
              {t('auditEntries.delete')}
            </Button>
          </Group>
          <ConfirmDialog
            opened={confirming}
            onClose={confirm.close}
            title={t('auditEntries.deleteTitle')}
            body={t('auditEntries.deleteBody', { name: entry.data.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void onDelete()}
            loading={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            danger
          />
        </>
      ) : entry.isPending ? (
        <ListSkeleton rows={4} height={36} />
      ) : null}
    </Stack>
  );
}

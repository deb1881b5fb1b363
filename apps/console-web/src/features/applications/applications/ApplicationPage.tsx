import { Anchor, Button, Group, Modal, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../../api/errors';
import { dateTime } from '../../../lib/format';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { usePageTitle } from '../../../ui/usePageTitle';
import { ApplicationForm } from './ApplicationForm';
import { useDeleteApplication, useApplication, useUpdateApplication } from './queries';

/** `/applications/applications/:id`: an application (its owner or an admin): change it; delete it after confirming. */
export default function ApplicationPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const remove = useDeleteApplication(id);
  const application = useApplication(id, !remove.isSuccess);
  const update = useUpdateApplication(id);
  const [confirming, confirm] = useDisclosure(false);
  usePageTitle(t('applicationsApplications.detailTitle', { name: application.data?.name ?? '' }));

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirm.close();
      void navigate('/applications/applications', { replace: true });
    } catch {
      // shown in the dialog
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/applications/applications" size="sm">
        ← {t('applicationsApplications.back')}
      </Anchor>
      <Title order={1} size="h2">
        {application.data ? application.data.name : application.isPending ? <Skeleton height={28} width={240} component="span" display="inline-block" /> : t('applicationsApplications.detailHeading')}
      </Title>

      {/* 400: an address whose id is not an ObjectId names nothing either */}
      {application.isError && (isApiError(application.error, 404) || isApiError(application.error, 400)) ? (
        <Text>{t('applicationsApplications.notFound')}</Text>
      ) : application.isError ? (
        <ErrorBanner
          error={application.error}
          hasData={application.data !== undefined}
          onRetry={() => void application.refetch()}
          retrying={application.isFetching}
        />
      ) : null}

      {application.data ? (
        <>
          <Text c="dimmed" size="sm">
            {t('applicationsApplications.created', { date: dateTime(application.data.createdAt, i18n.language) })} · {t('applicationsApplications.owner')}{' '}
            <Text span ff="monospace" size="sm">
              {application.data.ownerId}
            </Text>
          </Text>
          <Paper withBorder p="md" component="section" aria-labelledby="application-details-heading" maw={640}>
            <Title order={2} size="h4" mb="sm" id="application-details-heading">
              {t('applicationsApplications.details')}
            </Title>
            <ApplicationForm application={application.data} submitLabel={t('common.save')} onSubmit={(body) => update.mutateAsync(body)} />
          </Paper>
          <Group>
            <Button color="red" variant="outline" onClick={confirm.open}>
              {t('applicationsApplications.delete')}
            </Button>
          </Group>
          <Modal
            opened={confirming}
            onClose={confirm.close}
            title={t('applicationsApplications.deleteTitle')}
            closeButtonProps={{ 'aria-label': t('common.close') }}
            centered
          >
            <Stack gap="md">
              <Text size="sm">{t('applicationsApplications.deleteBody', { name: application.data.name })}</Text>
              {remove.isError ? <ErrorBanner error={remove.error} /> : null}
              <Group justify="flex-end">
                <Button variant="default" onClick={confirm.close}>
                  {t('common.cancel')}
                </Button>
                <Button color="red" onClick={() => void onDelete()} loading={remove.isPending}>
                  {t('common.delete')}
                </Button>
              </Group>
            </Stack>
          </Modal>
        </>
      ) : application.isPending ? (
        <ListSkeleton rows={4} height={36} />
      ) : null}
    </Stack>
  );
}

import { Anchor, Button, Code, Group, Paper, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/errors';
import { dateTime } from '../../lib/format';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { ApplicationForm } from './ApplicationForm';
import { ConfigPanel } from './ConfigPanel';
import { type CreateApplication, useApplication, useDeleteApplication, useRotateSecret, useUpdateApplication } from './queries';
import { ReleasesPanel } from './ReleasesPanel';
import { SecretOnce } from './SecretOnce';

/** The rotation grace period the applications service applies by default (docs/oauth.md). */
const GRACE_MS = 24 * 3600 * 1000;

/** `/applications/:id`: client id, registration (editable), secret rotation, delete after confirming. */
export default function ApplicationPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const remove = useDeleteApplication(id);
  const application = useApplication(id, !remove.isSuccess);
  const update = useUpdateApplication(id);
  const rotate = useRotateSecret(id);
  const [confirmingDelete, confirmDelete] = useDisclosure(false);
  const [confirmingRotate, confirmRotate] = useDisclosure(false);
  usePageTitle(t('applications.detailTitle', { name: application.data?.name ?? '' }));

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirmDelete.close();
      void navigate('/applications', { replace: true });
    } catch {
      // shown in the dialog
    }
  };
  const onRotate = async () => {
    try {
      await rotate.mutateAsync();
      confirmRotate.close();
    } catch {
      // shown in the dialog
    }
  };
  const data = application.data;

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/applications" size="sm">
        ← {t('applications.back')}
      </Anchor>
      <Title order={1} size="h2">
        {data ? data.name : application.isPending ? <Skeleton height={28} width={240} component="span" display="inline-block" /> : t('applications.detailHeading')}
      </Title>

      {/* 400: an address whose id is not an ObjectId names nothing either */}
      {application.isError && (isApiError(application.error, 404) || isApiError(application.error, 400)) ? (
        <Text>{t('applications.notFound')}</Text>
      ) : application.isError ? (
        <ErrorBanner error={application.error} hasData={data !== undefined} onRetry={() => void application.refetch()} retrying={application.isFetching} />
      ) : null}

      {data ? (
        <>
          <Text c="dimmed" size="sm">
            {t('applications.created', { date: dateTime(data.createdAt, i18n.language) })}
          </Text>
          <Group gap="xs">
            <Text size="sm" fw={600}>
              {t('applications.clientId')}
            </Text>
            <Code data-testid="client-id">{data.clientId}</Code>
          </Group>
          {rotate.data ? (
            <SecretOnce
              secret={rotate.data.clientSecret}
              note={rotate.data.previousSecretExpiresAt ? t('applications.graceEnds', { date: dateTime(rotate.data.previousSecretExpiresAt, i18n.language) }) : undefined}
            />
          ) : null}
          {data.type === 'confidential' ? (
            <Group gap="sm">
              {data.secretIssuedAt ? (
                <Text size="sm" c="dimmed">
                  {t('applications.secretIssued', { date: dateTime(data.secretIssuedAt, i18n.language) })}
                </Text>
              ) : null}
              <Button variant="default" size="xs" onClick={confirmRotate.open}>
                {t('applications.rotate')}
              </Button>
            </Group>
          ) : null}
          <Tabs defaultValue="registration" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="registration">{t('applications.tabRegistration')}</Tabs.Tab>
              <Tabs.Tab value="config">{t('applications.tabConfig')}</Tabs.Tab>
              <Tabs.Tab value="releases">{t('applications.tabReleases')}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="registration" pt="md">
              <Paper withBorder p="md" component="section" aria-labelledby="application-details-heading" maw={720}>
                <Title order={2} size="h4" mb="sm" id="application-details-heading">
                  {t('applications.details')}
                </Title>
                <ApplicationForm application={data} submitLabel={t('common.save')} onSubmit={(body: CreateApplication) => update.mutateAsync(body)} />
              </Paper>
            </Tabs.Panel>
            <Tabs.Panel value="config" pt="md">
              <ConfigPanel applicationId={data.id} />
            </Tabs.Panel>
            <Tabs.Panel value="releases" pt="md">
              <ReleasesPanel applicationId={data.id} />
            </Tabs.Panel>
          </Tabs>
          <Group>
            <Button color="red" variant="outline" onClick={confirmDelete.open}>
              {t('applications.delete')}
            </Button>
          </Group>
          <ConfirmDialog
            opened={confirmingRotate}
            onClose={confirmRotate.close}
            title={t('applications.rotateTitle')}
            body={t('applications.rotateBody', { date: dateTime(new Date(Date.now() + GRACE_MS).toISOString(), i18n.language) })}
            confirmLabel={t('applications.rotateConfirm')}
            onConfirm={() => void onRotate()}
            loading={rotate.isPending}
            error={rotate.isError ? rotate.error : undefined}
          />
          <ConfirmDialog
            opened={confirmingDelete}
            onClose={confirmDelete.close}
            title={t('applications.deleteTitle')}
            body={t('applications.deleteBody', { name: data.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void onDelete()}
            loading={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            danger
          />
        </>
      ) : application.isPending ? (
        <ListSkeleton rows={4} height={36} />
      ) : null}
    </Stack>
  );
}

import { Anchor, Button, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/errors';
import { isAdmin, useMe } from '../../auth/useMe';
import { dateTime } from '../../lib/format';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { useDeleteUser, useUser } from './queries';
import { UserForm } from './UserForm';

/** `/users/:id` (admins): edit name, profile and roles; delete after confirming. */
export default function UserDetailPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const user = useUser(id);
  const remove = useDeleteUser(id);
  const [confirming, confirm] = useDisclosure(false);
  usePageTitle(t('userDetail.title', { name: user.data?.name ?? '' }));

  const onDelete = async () => {
    try {
      await remove.mutateAsync();
      confirm.close();
      void navigate('/users', { replace: true });
    } catch {
      // shown in the modal
    }
  };

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/users" size="sm">
        ← {t('userDetail.back')}
      </Anchor>
      <Title order={1} size="h2">
        {user.data ? user.data.name : <Skeleton height={28} width={240} component="span" display="inline-block" />}
      </Title>

      {user.isError && isApiError(user.error, 404) ? (
        <Text>{t('userDetail.notFound')}</Text>
      ) : user.isError ? (
        <ErrorBanner
          error={user.error}
          hasData={user.data !== undefined}
          onRetry={() => void user.refetch()}
          retrying={user.isFetching}
        />
      ) : null}

      {user.data ? (
        <>
          <Text c="dimmed" size="sm">
            {user.data.email} · {t('userDetail.created', { date: dateTime(user.data.createdAt, i18n.language) })}
          </Text>
          <Paper withBorder p="md" component="section" aria-labelledby="profile-heading">
            <Title order={2} size="h4" mb="sm" id="profile-heading">
              {t('profile.heading')}
            </Title>
            <UserForm user={user.data} canEditRoles={isAdmin(me.data)} />
          </Paper>
          <Group>
            <Button color="red" variant="outline" onClick={confirm.open}>
              {t('userDetail.delete')}
            </Button>
          </Group>
          <ConfirmDialog
            opened={confirming}
            onClose={confirm.close}
            title={t('userDetail.deleteTitle')}
            body={t('userDetail.deleteBody', { email: user.data.email })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void onDelete()}
            loading={remove.isPending}
            error={remove.isError ? remove.error : undefined}
            danger
          />
        </>
      ) : user.isPending ? (
        <ListSkeleton rows={6} height={36} />
      ) : null}
    </Stack>
  );
}

import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { usePageTitle } from '../../../ui/usePageTitle';
import { EntryForm } from './EntryForm';
import { useCreateEntry } from './queries';

/** `/audit/entries/new`: a new entry of the signed-in user; then its page. */
export default function NewEntryPage() {
  const { t } = useTranslation();
  usePageTitle(t('auditEntries.createTitle'));
  const navigate = useNavigate();
  const create = useCreateEntry();

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/audit/entries" size="sm">
        ← {t('auditEntries.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('auditEntries.createTitle')}
      </Title>
      <Paper withBorder p="md" maw={640}>
        <EntryForm
          submitLabel={t('auditEntries.createSubmit')}
          onSubmit={async (body) => {
            const created = await create.mutateAsync(body);
            void navigate(`/audit/entries/${created.id}`, { replace: true });
            return created;
          }}
        />
      </Paper>
    </Stack>
  );
}

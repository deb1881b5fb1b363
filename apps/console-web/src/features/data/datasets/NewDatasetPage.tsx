import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { usePageTitle } from '../../../ui/usePageTitle';
import { DatasetForm } from './DatasetForm';
import { useCreateDataset } from './queries';

/** `/data/datasets/new`: a new dataset of the signed-in user; then its page. */
export default function NewDatasetPage() {
  const { t } = useTranslation();
  usePageTitle(t('dataDatasets.createTitle'));
  const navigate = useNavigate();
  const create = useCreateDataset();

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/data/datasets" size="sm">
        ← {t('dataDatasets.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('dataDatasets.createTitle')}
      </Title>
      <Paper withBorder p="md" maw={640}>
        <DatasetForm
          submitLabel={t('dataDatasets.createSubmit')}
          onSubmit={async (body) => {
            const created = await create.mutateAsync(body);
            void navigate(`/data/datasets/${created.id}`, { replace: true });
            return created;
          }}
        />
      </Paper>
    </Stack>
  );
}

import { Anchor, Paper, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { usePageTitle } from '../../../ui/usePageTitle';
import { ImageForm } from './ImageForm';
import { useCreateImage } from './queries';

/** `/images/images/new`: a new image of the signed-in user; then its page. */
export default function NewImagePage() {
  const { t } = useTranslation();
  usePageTitle(t('imagesImages.createTitle'));
  const navigate = useNavigate();
  const create = useCreateImage();

  return (
    <Stack gap="md">
      <Anchor component={Link} to="/images/images" size="sm">
        ← {t('imagesImages.back')}
      </Anchor>
      <Title order={1} size="h2">
        {t('imagesImages.createTitle')}
      </Title>
      <Paper withBorder p="md" maw={640}>
        <ImageForm
          submitLabel={t('imagesImages.createSubmit')}
          onSubmit={async (body) => {
            const created = await create.mutateAsync(body);
            void navigate(`/images/images/${created.id}`, { replace: true });
            return created;
          }}
        />
      </Paper>
    </Stack>
  );
}

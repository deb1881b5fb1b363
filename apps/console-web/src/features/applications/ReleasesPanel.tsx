import { Alert, Button, Group, NumberInput, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import { dateTime } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { STANDARD_ENVS, useCreateRelease, useLatestConfig, useReleases } from './config-queries';

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-.]+)?(?:\+[0-9A-Za-z-.]+)?$/;

/** The latest version of each standard environment, as the default pins of a new release. */
function useLatestPins(id: string): Record<string, number | undefined> {
  const development = useLatestConfig(id, 'development');
  const staging = useLatestConfig(id, 'staging');
  const production = useLatestConfig(id, 'production');
  return { development: development.data?.version, staging: staging.data?.version, production: production.data?.version };
}

/** Releases of an application: the list, and a form that pins configuration versions. */
export function ReleasesPanel({ applicationId }: { applicationId: string }) {
  const { t, i18n } = useTranslation();
  const releases = useReleases(applicationId);
  const create = useCreateRelease(applicationId);
  const latestPins = useLatestPins(applicationId);
  const [version, setVersion] = useState('');
  const [notes, setNotes] = useState('');
  const [pins, setPins] = useState<Record<string, number | ''>>({});
  const [touched, setTouched] = useState(false);
  const pinOf = (env: string) => (pins[env] !== undefined ? pins[env] : (latestPins[env] ?? ''));
  const versionError = touched && !SEMVER.test(version.trim()) ? t('applications.releaseVersionHint') : undefined;
  const serverError = create.isError && isApiError(create.error) ? create.error : null;
  const pinsError = serverError?.details?.find((issue) => issue.field === 'configVersions');

  const onCreate = async () => {
    setTouched(true);
    if (!SEMVER.test(version.trim())) return;
    const configVersions: Record<string, number> = {};
    for (const env of STANDARD_ENVS) {
      const pin = pinOf(env);
      if (typeof pin === 'number') configVersions[env] = pin;
    }
    try {
      await create.mutateAsync({ version: version.trim(), notes, configVersions });
      setVersion('');
      setNotes('');
      setPins({});
      setTouched(false);
    } catch {
      // shown below
    }
  };

  return (
    <Stack gap="md">
      {releases.isError ? <ErrorBanner error={releases.error} onRetry={() => void releases.refetch()} retrying={releases.isFetching} /> : null}
      {releases.isPending ? (
        <ListSkeleton rows={3} />
      ) : releases.data && releases.data.items.length === 0 ? (
        <Text size="sm">{t('applications.noReleases')}</Text>
      ) : releases.data ? (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('applications.releaseVersion')}</Table.Th>
                <Table.Th scope="col">{t('applications.releaseNotes')}</Table.Th>
                <Table.Th scope="col">{t('applications.pins')}</Table.Th>
                <Table.Th scope="col">{t('applications.madeAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {releases.data.items.map((release) => (
                <Table.Tr key={release.id}>
                  <Table.Td ff="monospace">{release.version}</Table.Td>
                  <Table.Td>{release.notes}</Table.Td>
                  <Table.Td ff="monospace">
                    {Object.entries(release.configVersions)
                      .map(([env, pinned]) => `${env}@${pinned}`)
                      .join(', ')}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{dateTime(release.createdAt, i18n.language)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}

      <Title order={3} size="h5">
        {t('applications.makeRelease')}
      </Title>
      <TextInput
        label={t('applications.releaseVersion')}
        description={t('applications.releaseVersionHint')}
        placeholder="1.0.0"
        value={version}
        onChange={(event) => setVersion(event.currentTarget.value)}
        error={versionError ?? (serverError && !pinsError ? serverError.message : undefined)}
        maw={360}
      />
      <Textarea label={t('applications.releaseNotes')} value={notes} onChange={(event) => setNotes(event.currentTarget.value)} autosize minRows={2} maxLength={5000} />
      <Group align="flex-start">
        {STANDARD_ENVS.map((env) => (
          <NumberInput
            key={env}
            label={t('applications.pinFor', { env })}
            description={t('applications.pinHint')}
            min={1}
            allowDecimal={false}
            value={pinOf(env)}
            onChange={(value) => setPins((current) => ({ ...current, [env]: typeof value === 'number' ? value : '' }))}
            w={180}
          />
        ))}
      </Group>
      {pinsError ? (
        <Alert color="red" variant="light">
          {Object.values(pinsError.constraints).join(' ')}
        </Alert>
      ) : null}
      {create.isSuccess ? (
        <Alert color="green" variant="light">
          {t('applications.releaseMade', { version: create.data.version })}
        </Alert>
      ) : null}
      <Group>
        <Button onClick={() => void onCreate()} loading={create.isPending}>
          {t('applications.makeRelease')}
        </Button>
      </Group>
    </Stack>
  );
}

import {
  Alert,
  Autocomplete,
  Button,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/errors';
import { dateTime } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import {
  ENV_PATTERN,
  STANDARD_ENVS,
  useConfigDiff,
  useConfigHistory,
  useLatestConfig,
  usePublishConfig,
  useRollbackConfig,
} from './config-queries';

const MAX_BYTES = 64 * 1024;

/** The editor's text as the API would take it: a JSON object within the size limit, or the reason why not. */
export function parseValues(
  text: string,
):
  | { values: Record<string, unknown> }
  | { problem: 'invalid' | 'notObject' | 'tooLarge'; reason?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: 'invalid', reason: (error as Error).message };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { problem: 'notObject' };
  if (new TextEncoder().encode(JSON.stringify(parsed)).length > MAX_BYTES)
    return { problem: 'tooLarge' };
  return { values: parsed as Record<string, unknown> };
}

/** One environment's configuration: the latest version in a JSON editor, publish with a message, history, diff, rollback. */
export function ConfigPanel({ applicationId }: { applicationId: string }) {
  const { t, i18n } = useTranslation();
  const [envInput, setEnvInput] = useState<string>('production');
  const env = ENV_PATTERN.test(envInput) ? envInput : 'production';
  const latest = useLatestConfig(applicationId, env);
  const history = useConfigHistory(applicationId, env);
  const publish = usePublishConfig(applicationId, env);
  const rollback = useRollbackConfig(applicationId, env);
  const [text, setText] = useState('{}');
  const [message, setMessage] = useState('');
  const [touched, setTouched] = useState(false);
  const [compareFrom, setCompareFrom] = useState<number | null>(null);
  const latestVersion = latest.data?.version ?? null;
  const diff = useConfigDiff(
    applicationId,
    env,
    compareFrom !== null && latestVersion !== null
      ? { from: compareFrom, to: latestVersion }
      : null,
  );

  // The editor shows the latest version, and follows newer ones only while nobody has typed since
  // the last one it showed: a late answer must not replace what is being written. `If-Match`
  // names the version the text came from.
  const baseline = useRef<{ text: string; version: number | null }>({
    text: '{}',
    version: null,
  });
  const showVersion = (
    values: Record<string, unknown>,
    version: number | null,
  ) => {
    baseline.current = { text: JSON.stringify(values, null, 2), version };
    setText(baseline.current.text);
    setTouched(false);
  };
  useEffect(() => {
    if (latest.data !== undefined && text === baseline.current.text)
      showVersion(latest.data?.values ?? {}, latest.data?.version ?? null);
    // only a new answer from the API moves the editor, not typing (so `text` is not a dependency)
  }, [latest.data]);

  const parsed = parseValues(text);
  const valuesError =
    'problem' in parsed
      ? parsed.problem === 'invalid'
        ? t('applications.valuesInvalid', { reason: parsed.reason ?? '' })
        : parsed.problem === 'notObject'
          ? t('applications.valuesNotObject')
          : t('applications.valuesTooLarge')
      : undefined;
  const messageError =
    message.trim().length === 0 || message.trim().length > 500
      ? t('applications.messageRequired')
      : undefined;

  const onPublish = async () => {
    setTouched(true);
    if (!('values' in parsed) || messageError) return;
    try {
      const published = await publish.mutateAsync({
        values: parsed.values,
        message: message.trim(),
        basedOn: baseline.current.version,
      });
      showVersion(published.values, published.version);
      setMessage('');
    } catch {
      // shown below
    }
  };
  const conflict = publish.isError && isApiError(publish.error, 412);

  return (
    <Stack gap="md">
      <Autocomplete
        label={t('applications.env')}
        description={t('applications.envHint')}
        data={[...STANDARD_ENVS]}
        value={envInput}
        onChange={(value) => {
          setEnvInput(value);
          // another environment: its own latest version replaces the editor
          showVersion({}, null);
          setCompareFrom(null);
          publish.reset();
        }}
        error={
          ENV_PATTERN.test(envInput) ? undefined : t('applications.envInvalid')
        }
        maw={360}
      />
      {latest.isError ? (
        <ErrorBanner
          error={latest.error}
          onRetry={() => void latest.refetch()}
          retrying={latest.isFetching}
        />
      ) : null}
      {latest.isPending ? (
        <ListSkeleton rows={3} />
      ) : (
        <Text size="sm" c="dimmed" role="status">
          {latest.data
            ? t('applications.latestVersion', {
                version: latest.data.version,
                message: latest.data.message,
                date: dateTime(latest.data.createdAt, i18n.language),
              })
            : t('applications.noConfig', { env })}
        </Text>
      )}

      <Textarea
        label={t('applications.values')}
        description={t('applications.valuesHint')}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        autosize
        minRows={6}
        maxRows={24}
        spellCheck={false}
        styles={{
          input: { fontFamily: 'var(--mantine-font-family-monospace)' },
        }}
        error={valuesError}
      />
      <TextInput
        label={t('applications.message')}
        description={t('applications.messageHint')}
        value={message}
        onChange={(event) => setMessage(event.currentTarget.value)}
        maxLength={500}
        error={touched ? messageError : undefined}
      />
      {conflict ? (
        <Alert color="orange" variant="light">
          <Group justify="space-between">
            <Text size="sm">{t('applications.conflict')}</Text>
            <Button
              size="xs"
              variant="default"
              onClick={() =>
                void latest.refetch().then((result) => {
                  // the newer version replaces the editor: the change is applied again on it
                  if (result.data)
                    showVersion(result.data.values, result.data.version);
                  publish.reset();
                })
              }
            >
              {t('applications.reload')}
            </Button>
          </Group>
        </Alert>
      ) : publish.isError ? (
        <ErrorBanner error={publish.error} />
      ) : publish.isSuccess ? (
        <Alert color="green" variant="light">
          {t('applications.published', { version: publish.data.version })}
        </Alert>
      ) : null}
      <Group>
        <Button
          onClick={() => void onPublish()}
          loading={publish.isPending}
          disabled={valuesError !== undefined}
        >
          {t('applications.publish')}
        </Button>
      </Group>

      <Title order={3} size="h5">
        {t('applications.history')}
      </Title>
      {history.isError && !isApiError(history.error, 404) ? (
        <ErrorBanner
          error={history.error}
          onRetry={() => void history.refetch()}
        />
      ) : null}
      {history.data && history.data.items.length > 0 ? (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('applications.version')}</Table.Th>
                <Table.Th scope="col">{t('applications.message')}</Table.Th>
                <Table.Th scope="col">{t('applications.publishedAt')}</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">
                    {t('applications.operation')}
                  </span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {history.data.items.map((item) => (
                <Table.Tr key={item.version}>
                  <Table.Td>{item.version}</Table.Td>
                  <Table.Td>{item.message}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {dateTime(item.createdAt, i18n.language)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {item.version !== latestVersion ? (
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() => setCompareFrom(item.version)}
                          aria-label={`${t('applications.compare')} (${item.version})`}
                        >
                          {t('applications.compare')}
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          onClick={() =>
                            void rollback
                              .mutateAsync(item.version)
                              .catch(() => undefined)
                          }
                          loading={
                            rollback.isPending &&
                            rollback.variables === item.version
                          }
                        >
                          {t('applications.rollbackTo', {
                            version: item.version,
                          })}
                        </Button>
                      </Group>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      {rollback.isError ? <ErrorBanner error={rollback.error} /> : null}

      {compareFrom !== null && latestVersion !== null ? (
        <Paper
          withBorder
          p="md"
          component="section"
          aria-labelledby="config-diff-heading"
        >
          <Title order={3} size="h5" mb="sm" id="config-diff-heading">
            {t('applications.diffTitle', {
              from: compareFrom,
              to: latestVersion,
            })}
          </Title>
          {diff.isError ? <ErrorBanner error={diff.error} /> : null}
          {diff.data && diff.data.patch.length === 0 ? (
            <Text size="sm">{t('applications.noChanges')}</Text>
          ) : null}
          {diff.data && diff.data.patch.length > 0 ? (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('applications.operation')}</Table.Th>
                  <Table.Th scope="col">{t('applications.path')}</Table.Th>
                  <Table.Th scope="col">{t('applications.value')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {diff.data.patch.map((operation, index) => (
                  <Table.Tr key={`${operation.op}-${operation.path}-${index}`}>
                    <Table.Td>{operation.op}</Table.Td>
                    <Table.Td ff="monospace">{operation.path}</Table.Td>
                    <Table.Td ff="monospace">
                      {operation.value === undefined
                        ? ''
                        : JSON.stringify(operation.value)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : null}
        </Paper>
      ) : null}
    </Stack>
  );
}

import { Alert, Button, Checkbox, Group, List, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/errors';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { FIELD_TYPES, type FieldType, useReplaceSchema } from './data-queries';
import type { Dataset } from './queries';
import { emptyDraft, type FieldDraft, isChanged, MAX_SCHEMA_FIELDS, type SchemaProblem, toDraft, toFields } from './schema-draft';

function problemText(t: TFunction, problem: SchemaProblem): string {
  switch (problem.problem) {
    case 'noFields':
      return t('dataDatasets.schema.problems.noFields');
    case 'name':
      return t('dataDatasets.schema.problems.name', { n: problem.n });
    case 'duplicate':
      return t('dataDatasets.schema.problems.duplicate', { name: problem.name });
    case 'number':
      return t('dataDatasets.schema.problems.number', { n: problem.n, name: problem.name });
    case 'range':
      return t('dataDatasets.schema.problems.range', { n: problem.n, name: problem.name });
  }
}

/**
 * The dataset's fields in a table: name, type, required, min, max, pattern and allowed values;
 * add and remove fields; "Save schema" sends them (`PUT …/schema`). What the console can check is
 * checked before asking; what only the API can judge (a constraint the current rows break, a
 * changed type after the first import) comes back as its 422 message.
 */
export function SchemaEditor({ dataset }: { dataset: Dataset }) {
  const { t } = useTranslation();
  const save = useReplaceSchema(dataset.id);
  const nextKey = useRef(0);
  const fromSaved = () => dataset.schema.map((field) => toDraft(field, nextKey.current++));
  const [drafts, setDrafts] = useState<FieldDraft[]>(fromSaved);
  const [problems, setProblems] = useState<SchemaProblem[]>([]);
  const [saved, setSaved] = useState(false);
  const savedSchema = JSON.stringify(dataset.schema);

  // a schema from the API (this editor's save, an import, a transformation, a rollback) replaces the editor
  useEffect(() => {
    setDrafts(fromSaved());
    setProblems([]);
    // only a different schema resets the editor, not every render
  }, [savedSchema]);

  const changed = isChanged(drafts, dataset.schema);
  const patch = (key: number, change: Partial<FieldDraft>) => {
    setSaved(false);
    setDrafts((list) => list.map((draft) => (draft.key === key ? { ...draft, ...change } : draft)));
  };

  const onSave = () => {
    setSaved(false);
    const result = toFields(drafts);
    if ('problems' in result) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    save.mutateAsync(result.fields).then(
      () => setSaved(true),
      () => undefined, // shown below
    );
  };

  const refused = save.isError && save.error instanceof ApiError && save.error.status >= 400 && save.error.status < 500 && save.error.status !== 403 && save.error.status !== 404;

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="data-schema-heading">
      <Stack gap="md">
        <Title order={2} size="h4" id="data-schema-heading">
          {t('dataDatasets.schema.heading')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('dataDatasets.schema.hint')}
        </Text>
        {drafts.length === 0 ? (
          <Text size="sm">{t('dataDatasets.schema.empty')}</Text>
        ) : (
          <Table.ScrollContainer minWidth={880}>
            <Table verticalSpacing={4} aria-labelledby="data-schema-heading">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('dataDatasets.schema.name')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.schema.type')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.schema.required')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.schema.min')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.schema.max')}</Table.Th>
                  <Table.Th scope="col">{t('dataDatasets.schema.pattern')}</Table.Th>
                  <Table.Th scope="col">
                    {t('dataDatasets.schema.enum')}
                    <Text size="xs" c="dimmed" fw={400}>
                      {t('dataDatasets.schema.enumHint')}
                    </Text>
                  </Table.Th>
                  <Table.Th scope="col">
                    <span className="visually-hidden">{t('dataDatasets.schema.actions')}</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {drafts.map((draft, index) => {
                  const field = draft.name.trim() || t('dataDatasets.schema.fieldN', { n: index + 1 });
                  return (
                    <Table.Tr key={draft.key}>
                      <Table.Td>
                        <TextInput size="xs" aria-label={t('dataDatasets.schema.nameOf', { field })} value={draft.name} onChange={(event) => patch(draft.key, { name: event.currentTarget.value })} maxLength={128} miw={110} />
                      </Table.Td>
                      <Table.Td>
                        <NativeSelect
                          size="xs"
                          aria-label={t('dataDatasets.schema.typeOf', { field })}
                          value={draft.type}
                          onChange={(event) => patch(draft.key, { type: event.currentTarget.value as FieldType })}
                          data={FIELD_TYPES.map((type) => ({ value: type, label: t(`dataDatasets.types.${type}`) }))}
                          miw={110}
                        />
                      </Table.Td>
                      <Table.Td>
                        <Checkbox aria-label={t('dataDatasets.schema.requiredOf', { field })} checked={draft.required} onChange={(event) => patch(draft.key, { required: event.currentTarget.checked })} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput size="xs" inputMode="decimal" aria-label={t('dataDatasets.schema.minOf', { field })} value={draft.min} onChange={(event) => patch(draft.key, { min: event.currentTarget.value })} w={72} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput size="xs" inputMode="decimal" aria-label={t('dataDatasets.schema.maxOf', { field })} value={draft.max} onChange={(event) => patch(draft.key, { max: event.currentTarget.value })} w={72} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          size="xs"
                          aria-label={t('dataDatasets.schema.patternOf', { field })}
                          value={draft.pattern}
                          onChange={(event) => patch(draft.key, { pattern: event.currentTarget.value })}
                          maxLength={500}
                          spellCheck={false}
                          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                          miw={100}
                        />
                      </Table.Td>
                      <Table.Td>
                        <TextInput size="xs" aria-label={t('dataDatasets.schema.enumOf', { field })} value={draft.enumText} onChange={(event) => patch(draft.key, { enumText: event.currentTarget.value })} miw={120} />
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={t('dataDatasets.schema.remove', { field })}
                          onClick={() => {
                            setSaved(false);
                            setDrafts((list) => list.filter((item) => item.key !== draft.key));
                          }}
                        >
                          {t('dataDatasets.schema.removeShort')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}

        {problems.length > 0 ? (
          <Alert color="red" variant="light" role="alert">
            <List size="sm">
              {problems.map((problem, index) => (
                <List.Item key={index}>{problemText(t, problem)}</List.Item>
              ))}
            </List>
          </Alert>
        ) : null}
        {refused ? (
          <Alert color="red" variant="light" role="alert">
            {t('dataDatasets.schema.notSaved', { message: save.error.message })}
          </Alert>
        ) : save.isError ? (
          <ErrorBanner error={save.error} />
        ) : null}
        {saved && !changed ? (
          <Alert color="teal" variant="light" role="status">
            {t('dataDatasets.schema.saved')}
          </Alert>
        ) : null}

        <Group gap="sm">
          <Button
            variant="default"
            disabled={drafts.length >= MAX_SCHEMA_FIELDS}
            onClick={() => {
              setSaved(false);
              setDrafts((list) => [...list, emptyDraft(nextKey.current++)]);
            }}
          >
            {t('dataDatasets.schema.add')}
          </Button>
          <Button onClick={onSave} loading={save.isPending} disabled={!changed}>
            {t('dataDatasets.schema.save')}
          </Button>
          {changed ? (
            <Button
              variant="subtle"
              onClick={() => {
                setDrafts(fromSaved());
                setProblems([]);
                save.reset();
              }}
            >
              {t('dataDatasets.schema.discard')}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Paper>
  );
}

import { Alert, Button, Fieldset, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/errors';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { CAST_ON_ERROR, type CastOnError, FIELD_TYPES, type FieldType, type StepBody, TRANSFORM_OPS, type TransformOp, useApplyTransform, useTransformPreview } from './data-queries';
import { cellText, columnsOf } from './grid';
import type { Dataset } from './queries';
import { emptyStep, OP_INPUTS, type StepDraft, type StepInput, toSteps } from './transform-steps';
import { WindowedTable } from './WindowedTable';

/** How long editing must pause before the live preview asks again. */
export const PREVIEW_DEBOUNCE_MS = 400;

/** A 4xx other than 403/404: the API's message says what is wrong with the steps. */
function isRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 403 && error.status !== 404;
}

function RowsTable({ label, rows, known }: { label: string; rows: Record<string, unknown>[]; known: string[] }) {
  const columns = columnsOf(rows, known);
  return (
    <WindowedTable<Record<string, unknown>>
      label={label}
      maxHeight={320}
      columns={columns.map((name) => ({ key: name, header: name }))}
      rows={rows}
      rowKey={(_row, index) => String(index)}
      cell={(row, column) => {
        const text = cellText(row[column]);
        return (
          <span title={text} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            {text}
          </span>
        );
      }}
    />
  );
}

/**
 * Steps (rename, cast, filter, derive, drop, dedupe, sort), each with the inputs its op takes.
 * "Preview" shows the first rows before and after, and from then on follows every change (a
 * live preview); "Apply transformation" runs the steps over every row as a new version.
 */
export function TransformBuilder({ dataset }: { dataset: Dataset }) {
  const { t } = useTranslation();
  const nextKey = useRef(1);
  const [steps, setSteps] = useState<StepDraft[]>(() => [emptyStep(0)]);
  const [live, setLive] = useState(false);
  const [attempted, setAttempted] = useState(false);
  const apply = useApplyTransform(dataset.id);
  const result = toSteps(steps);
  const body = 'steps' in result ? result.steps : null;
  // debounced as text: a new array on every render would never settle
  const [debounced] = useDebouncedValue(body ? JSON.stringify(body) : '', PREVIEW_DEBOUNCE_MS);
  const previewSteps = live && debounced ? (JSON.parse(debounced) as StepBody[]) : null;
  const preview = useTransformPreview(dataset.id, previewSteps, dataset.version);
  const fieldList = `data-fields-${dataset.id}`;

  const patch = (key: number, change: Partial<StepDraft>) => setSteps((list) => list.map((step) => (step.key === key ? { ...step, ...change } : step)));
  const missing = (step: StepDraft): StepInput[] => ('incomplete' in result ? (result.incomplete.find(({ n }) => n === steps.indexOf(step) + 1)?.missing ?? []) : []);
  const requiredError = (step: StepDraft, input: StepInput) => (attempted && missing(step).includes(input) ? t('validation.required') : undefined);

  const onApply = () => {
    setAttempted(true);
    if (!body) return;
    apply.mutateAsync(body).then(
      () => {
        setLive(false);
        setAttempted(false);
        setSteps([emptyStep(nextKey.current++)]);
      },
      () => undefined, // shown below
    );
  };

  const inputOf = (step: StepDraft, input: StepInput) => {
    switch (input) {
      case 'field':
        return (
          <TextInput
            key={input}
            label={step.op === 'derive' ? t('dataDatasets.transform.newField') : t('dataDatasets.transform.field')}
            value={step.field}
            onChange={(event) => patch(step.key, { field: event.currentTarget.value })}
            list={fieldList}
            autoComplete="off"
            error={requiredError(step, input)}
            w={200}
          />
        );
      case 'to':
        return <TextInput key={input} label={t('dataDatasets.transform.to')} value={step.to} onChange={(event) => patch(step.key, { to: event.currentTarget.value })} autoComplete="off" error={requiredError(step, input)} w={200} />;
      case 'type':
        return (
          <NativeSelect
            key={input}
            label={t('dataDatasets.transform.type')}
            value={step.type}
            onChange={(event) => patch(step.key, { type: event.currentTarget.value as FieldType })}
            data={FIELD_TYPES.map((type) => ({ value: type, label: t(`dataDatasets.types.${type}`) }))}
            w={160}
          />
        );
      case 'onError':
        return (
          <NativeSelect
            key={input}
            label={t('dataDatasets.transform.onError')}
            value={step.onError}
            onChange={(event) => patch(step.key, { onError: event.currentTarget.value as CastOnError })}
            data={CAST_ON_ERROR.map((value) => ({ value, label: t(`dataDatasets.transform.onErrors.${value}`) }))}
            w={220}
          />
        );
      case 'expression':
        return (
          <TextInput
            key={input}
            label={t('dataDatasets.transform.expression')}
            description={step.op === 'filter' ? t('dataDatasets.transform.filterHint') : t('dataDatasets.transform.deriveHint')}
            value={step.expression}
            onChange={(event) => patch(step.key, { expression: event.currentTarget.value })}
            maxLength={1000}
            autoComplete="off"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            error={requiredError(step, input)}
            style={{ flex: '1 1 280px' }}
          />
        );
      case 'fields':
        return (
          <TextInput
            key={input}
            label={step.op === 'sort' ? t('dataDatasets.transform.sortFields') : step.op === 'dedupe' ? t('dataDatasets.transform.dedupeFields') : t('dataDatasets.transform.fields')}
            value={step.fieldsText}
            onChange={(event) => patch(step.key, { fieldsText: event.currentTarget.value })}
            autoComplete="off"
            error={requiredError(step, input)}
            style={{ flex: '1 1 280px' }}
          />
        );
    }
  };

  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="data-transform-heading">
        <Stack gap="md">
          <Title order={2} size="h4" id="data-transform-heading">
            {t('dataDatasets.transform.heading')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('dataDatasets.transform.hint')}
          </Text>
          <datalist id={fieldList}>
            {dataset.schema.map((field) => (
              <option key={field.name} value={field.name} />
            ))}
          </datalist>
          {steps.length === 0 ? <Text size="sm">{t('dataDatasets.transform.none')}</Text> : null}
          {steps.map((step, index) => (
            <Fieldset key={step.key} legend={t('dataDatasets.transform.step', { n: index + 1 })} variant="filled">
              <Group align="flex-end" gap="sm" wrap="wrap">
                <NativeSelect
                  label={t('dataDatasets.transform.op')}
                  value={step.op}
                  onChange={(event) => patch(step.key, { op: event.currentTarget.value as TransformOp })}
                  data={TRANSFORM_OPS.map((op) => ({ value: op, label: t(`dataDatasets.transform.ops.${op}`) }))}
                  w={220}
                />
                {OP_INPUTS[step.op].map((input) => inputOf(step, input))}
                <Button
                  variant="default"
                  aria-label={t('dataDatasets.transform.removeStep', { n: index + 1 })}
                  onClick={() => setSteps((list) => list.filter((item) => item.key !== step.key))}
                >
                  {t('dataDatasets.schema.removeShort')}
                </Button>
              </Group>
            </Fieldset>
          ))}
          <Group gap="sm">
            <Button variant="default" onClick={() => setSteps((list) => [...list, emptyStep(nextKey.current++)])} disabled={steps.length >= 50}>
              {t('dataDatasets.transform.add')}
            </Button>
            <Button
              variant="default"
              onClick={() => {
                setAttempted(true);
                setLive(true);
                apply.reset();
              }}
              disabled={steps.length === 0 || dataset.version === 0}
            >
              {t('dataDatasets.transform.preview')}
            </Button>
            <Button onClick={onApply} loading={apply.isPending} disabled={steps.length === 0 || dataset.version === 0}>
              {t('dataDatasets.transform.apply')}
            </Button>
          </Group>
          {attempted && 'incomplete' in result ? (
            <Alert color="red" variant="light" role="alert">
              {result.incomplete.map(({ n, missing: inputs }) => (
                <Text key={n} size="sm">
                  {t('dataDatasets.transform.incomplete', { n, what: inputs.map((input) => t(inputLabelKey(steps[n - 1]?.op ?? 'rename', input))).join(', ') })}
                </Text>
              ))}
            </Alert>
          ) : null}
          {apply.isError ? (
            isRefusal(apply.error) ? (
              <Alert color="red" variant="light" role="alert">
                {t('dataDatasets.transform.failed', { message: apply.error.message })}
              </Alert>
            ) : (
              <ErrorBanner error={apply.error} />
            )
          ) : null}
          {apply.isSuccess ? (
            <Alert color="teal" variant="light" role="status">
              {t('dataDatasets.transform.applied', { version: apply.data.version, rowsIn: apply.data.rowsIn, rowsOut: apply.data.rowsOut })}
            </Alert>
          ) : null}
        </Stack>
      </Paper>

      {live ? (
        <Paper withBorder p="md" component="section" aria-labelledby="data-preview-heading">
          <Stack gap="sm">
            <Title order={2} size="h4" id="data-preview-heading">
              {t('dataDatasets.transform.previewHeading')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('dataDatasets.transform.livePreview')}
            </Text>
            {preview.isError ? (
              isRefusal(preview.error) ? (
                <Alert color="red" variant="light" role="alert">
                  {t('dataDatasets.transform.failed', { message: preview.error.message })}
                </Alert>
              ) : (
                <ErrorBanner error={preview.error} onRetry={() => void preview.refetch()} retrying={preview.isFetching} />
              )
            ) : null}
            {preview.data && !preview.isError ? (
              <>
                <Text size="sm" role="status">
                  {t('dataDatasets.transform.previewSummary', { before: preview.data.before.length, after: preview.data.after.length })}
                </Text>
                <Title order={3} size="h5">
                  {t('dataDatasets.transform.before')}
                </Title>
                <RowsTable label={t('dataDatasets.transform.before')} rows={preview.data.before} known={preview.data.schemaBefore.map((field) => field.name)} />
                <Title order={3} size="h5">
                  {t('dataDatasets.transform.after')}
                </Title>
                <RowsTable label={t('dataDatasets.transform.after')} rows={preview.data.after} known={preview.data.schemaAfter.map((field) => field.name)} />
              </>
            ) : null}
          </Stack>
        </Paper>
      ) : null}
    </Stack>
  );
}

/** The label key of a step's input. A key, not a translated string: the caller translates it. */
function inputLabelKey(op: TransformOp, input: StepInput): TransformLabelKey {
  switch (input) {
    case 'field':
      return op === 'derive' ? 'dataDatasets.transform.newField' : 'dataDatasets.transform.field';
    case 'to':
      return 'dataDatasets.transform.to';
    case 'type':
      return 'dataDatasets.transform.type';
    case 'onError':
      return 'dataDatasets.transform.onError';
    case 'expression':
      return 'dataDatasets.transform.expression';
    case 'fields':
      return op === 'sort' ? 'dataDatasets.transform.sortFields' : op === 'dedupe' ? 'dataDatasets.transform.dedupeFields' : 'dataDatasets.transform.fields';
  }
}

type TransformLabelKey =
  | 'dataDatasets.transform.newField'
  | 'dataDatasets.transform.field'
  | 'dataDatasets.transform.to'
  | 'dataDatasets.transform.type'
  | 'dataDatasets.transform.onError'
  | 'dataDatasets.transform.expression'
  | 'dataDatasets.transform.sortFields'
  | 'dataDatasets.transform.dedupeFields'
  | 'dataDatasets.transform.fields';

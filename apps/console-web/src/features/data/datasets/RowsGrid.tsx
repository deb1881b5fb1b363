import { Alert, Button, EmptyState, Group, NativeSelect, Paper, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../../api/errors';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { ListSkeleton } from '../../../ui/Skeletons';
import { type DataRow, ROWS_PAGE_SIZES, useRows } from './data-queries';
import { ExportButtons } from './ExportButtons';
import { cellText, columnsOf, nextSort, sortOf } from './grid';
import type { Dataset } from './queries';
import { WindowedTable } from './WindowedTable';

const DEFAULT_PAGE_SIZE = 50;

/**
 * The current rows of a dataset: an RSQL filter and a sort (typed, or by clicking a column's
 * header), a page size up to the API's 1000, Previous/Next by cursor, in a windowed table (only the
 * rows in view are rendered). A refused filter or sort shows the API's message. The export
 * buttons below take the applied filter.
 */
export function RowsGrid({ dataset }: { dataset: Dataset }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({ filter: '', sort: '' });
  const [applied, setApplied] = useState({ filter: '', sort: '' });
  const [limit, setLimit] = useState<number>(DEFAULT_PAGE_SIZE);
  // the cursors of the pages walked through: the last is the page shown
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const hasRows = dataset.version > 0;
  const rows = useRows(dataset.id, { ...applied, limit, cursor }, hasRows);

  // a new version (import, transformation, rollback) starts again at its first page
  useEffect(() => setCursors([undefined]), [dataset.version]);

  const apply = (next: { filter: string; sort: string }) => {
    setApplied(next);
    setCursors([undefined]);
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    apply({ filter: draft.filter.trim(), sort: draft.sort.trim() });
  };
  const onSortBy = (field: string) => {
    const sort = nextSort(applied.sort, field);
    setDraft((shown) => ({ ...shown, sort }));
    apply({ ...applied, sort });
  };

  const items = rows.data?.items ?? [];
  const columns = columnsOf(
    items.map((row) => row.data),
    dataset.schema.map((field) => field.name),
  );
  const refused = rows.isError && isApiError(rows.error, 400);

  return (
    <Stack gap="md">
      <Paper withBorder p="md" component="section" aria-labelledby="data-rows-heading">
        <Stack gap="md">
          <Title order={2} size="h4" id="data-rows-heading">
            {t('dataDatasets.rows.heading')}
          </Title>
          {!hasRows ? (
            <EmptyState title={t('dataDatasets.rows.empty')} />
          ) : (
            <>
              <form onSubmit={onSubmit} noValidate>
                <Group align="flex-end" gap="sm" wrap="wrap">
                  <TextInput
                    label={t('dataDatasets.rows.filter')}
                    description={t('dataDatasets.rows.filterHint')}
                    value={draft.filter}
                    onChange={(event) => setDraft({ ...draft, filter: event.currentTarget.value })}
                    autoComplete="off"
                    spellCheck={false}
                    styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                    style={{ flex: '2 1 320px' }}
                  />
                  <TextInput
                    label={t('dataDatasets.rows.sort')}
                    description={t('dataDatasets.rows.sortHint')}
                    value={draft.sort}
                    onChange={(event) => setDraft({ ...draft, sort: event.currentTarget.value })}
                    autoComplete="off"
                    spellCheck={false}
                    styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                    style={{ flex: '1 1 200px' }}
                  />
                  <NativeSelect
                    label={t('dataDatasets.rows.pageSize')}
                    value={String(limit)}
                    onChange={(event) => {
                      setLimit(Number(event.currentTarget.value));
                      setCursors([undefined]);
                    }}
                    data={ROWS_PAGE_SIZES.map((size) => String(size))}
                    w={140}
                  />
                  <Button type="submit">{t('dataDatasets.rows.apply')}</Button>
                  {applied.filter || applied.sort ? (
                    <Button
                      variant="default"
                      onClick={() => {
                        setDraft({ filter: '', sort: '' });
                        apply({ filter: '', sort: '' });
                      }}
                    >
                      {t('dataDatasets.rows.clear')}
                    </Button>
                  ) : null}
                </Group>
              </form>

              {refused ? (
                <Alert color="red" variant="light" role="alert">
                  {t('dataDatasets.rows.badQuery', { message: rows.error.message })}
                </Alert>
              ) : rows.isError ? (
                <ErrorBanner error={rows.error} hasData={rows.data !== undefined} onRetry={() => void rows.refetch()} retrying={rows.isFetching} />
              ) : null}

              {rows.data === undefined ? (
                rows.isError ? null : (
                  <ListSkeleton rows={5} />
                )
              ) : items.length === 0 ? (
                <Text size="sm">{cursors.length > 1 || !applied.filter ? t('dataDatasets.rows.empty') : t('dataDatasets.rows.noMatch')}</Text>
              ) : (
                <WindowedTable<DataRow>
                  label={t('dataDatasets.rows.grid')}
                  testId="rows-grid"
                  busy={rows.isFetching}
                  resetKey={`${applied.filter}|${applied.sort}|${limit}|${cursor ?? ''}|${dataset.version}`}
                  columns={columns.map((name) => ({
                    key: name,
                    sort: sortOf(applied.sort, name),
                    header: (
                      <UnstyledButton onClick={() => onSortBy(name)} title={t('dataDatasets.rows.sortBy', { name })} fw={600} fz="sm" style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                        {name}
                        <span aria-hidden="true">{sortOf(applied.sort, name) === 'ascending' ? ' ▲' : sortOf(applied.sort, name) === 'descending' ? ' ▼' : ''}</span>
                      </UnstyledButton>
                    ),
                  }))}
                  rows={items}
                  rowKey={(row) => row.id}
                  cell={(row, column) => {
                    const text = cellText(row.data[column]);
                    return (
                      <span title={text} style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                        {text}
                      </span>
                    );
                  }}
                />
              )}

              {rows.data !== undefined ? (
                <Group justify="space-between" wrap="wrap">
                  <Text size="sm" role="status">
                    {t('dataDatasets.rows.page', { page: cursors.length, count: items.length })}
                  </Text>
                  <Group gap="xs">
                    <Button variant="default" disabled={cursors.length <= 1} onClick={() => setCursors((list) => list.slice(0, -1))}>
                      {t('dataDatasets.rows.previous')}
                    </Button>
                    <Button
                      variant="default"
                      disabled={!rows.data.nextCursor || rows.isPlaceholderData}
                      onClick={() => {
                        const next = rows.data?.nextCursor;
                        if (next) setCursors((list) => [...list, next]);
                      }}
                    >
                      {t('dataDatasets.rows.next')}
                    </Button>
                  </Group>
                </Group>
              ) : null}
            </>
          )}
        </Stack>
      </Paper>
      {hasRows ? <ExportButtons datasetId={dataset.id} filter={applied.filter} /> : null}
    </Stack>
  );
}

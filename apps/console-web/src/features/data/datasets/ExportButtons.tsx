import { Button, Checkbox, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../../app/services-context';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { EXPORT_FORMATS, type ExportFormat } from './data-queries';
import { downloadAnswer } from './download';

const LABELS = { csv: 'dataDatasets.exports.csv', ndjson: 'dataDatasets.exports.ndjson', json: 'dataDatasets.exports.json' } as const;

/**
 * The current rows as CSV (optionally with a byte order mark, for spreadsheets), NDJSON or JSON,
 * optionally only those matching the grid's filter: fetched with the session's token and saved
 * under the name the API gives (`Content-Disposition`).
 */
export function ExportButtons({ datasetId, filter }: { datasetId: string; filter: string }) {
  const { t } = useTranslation();
  const api = useApi();
  const [bom, setBom] = useState(false);
  const [onlyFiltered, setOnlyFiltered] = useState(true);
  const [state, setState] = useState<{ busy?: ExportFormat; error?: unknown; saved?: string }>({});
  const filtered = filter !== '' && onlyFiltered;

  const run = (format: ExportFormat) => {
    setState({ busy: format });
    downloadAnswer(
      api.GET('/api/v1/data/datasets/{id}/export', {
        params: {
          path: { id: datasetId },
          query: { format, ...(filtered ? { filter } : {}), ...(format === 'csv' ? { bom: bom ? 'true' : 'false' } : {}) },
        },
        parseAs: 'blob',
      }),
      `${datasetId}.${format}`,
    ).then(
      (saved) => setState({ saved }),
      (error: unknown) => setState({ error }),
    );
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="data-export-heading">
      <Stack gap="sm">
        <Title order={2} size="h4" id="data-export-heading">
          {t('dataDatasets.exports.heading')}
        </Title>
        <Checkbox label={t('dataDatasets.exports.bom')} checked={bom} onChange={(event) => setBom(event.currentTarget.checked)} />
        {filter ? (
          <Checkbox label={t('dataDatasets.exports.filtered', { filter })} checked={onlyFiltered} onChange={(event) => setOnlyFiltered(event.currentTarget.checked)} />
        ) : null}
        <Group gap="sm">
          {EXPORT_FORMATS.map((format) => (
            <Button key={format} variant="default" onClick={() => run(format)} loading={state.busy === format} disabled={state.busy !== undefined && state.busy !== format}>
              {t(LABELS[format])}
            </Button>
          ))}
        </Group>
        {state.saved ? (
          <Text size="sm" role="status">
            {t('dataDatasets.exports.downloaded', { name: state.saved })}
          </Text>
        ) : null}
        {state.error ? <ErrorBanner error={state.error} /> : null}
      </Stack>
    </Paper>
  );
}

import { Badge, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Dataset } from './queries';

/** Rows, current version and the schema's fields of a dataset, at a glance. */
export function DatasetSummary({ dataset }: { dataset: Dataset }) {
  const { t, i18n } = useTranslation();
  const number = new Intl.NumberFormat(i18n.language);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="dataset-summary-heading">
      <Title order={2} size="h4" mb="sm" id="dataset-summary-heading">
        {t('dataDatasets.summary.heading')}
      </Title>
      <Table variant="vertical" layout="fixed" data-testid="dataset-summary">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={120}>{t('dataDatasets.summary.rows')}</Table.Th>
            <Table.Td data-testid="dataset-row-count">{number.format(dataset.rowCount)}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('dataDatasets.summary.version')}</Table.Th>
            <Table.Td data-testid="dataset-version">{dataset.version > 0 ? dataset.version : t('dataDatasets.summary.noVersion')}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('dataDatasets.summary.fields')}</Table.Th>
            <Table.Td>
              {dataset.schema.length === 0 ? (
                <Text size="sm">{t('dataDatasets.summary.noFields')}</Text>
              ) : (
                <Group gap={6}>
                  {dataset.schema.map((field) => (
                    <Badge key={field.name} variant="default" tt="none" fw={500}>
                      {t(field.required ? 'dataDatasets.summary.requiredField' : 'dataDatasets.summary.field', { name: field.name, type: t(`dataDatasets.types.${field.type}`) })}
                    </Badge>
                  ))}
                </Group>
              )}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
    </Paper>
  );
}

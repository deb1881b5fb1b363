import { Code, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { dateTime } from '../../lib/format';
import type { AuditEntry } from './queries';

export interface AuditEntriesTableProps {
  items: AuditEntry[];
  /** The admins' log shows who acted, what on, and the request; a user's own activity does not need them. */
  full?: boolean;
  busy?: boolean;
  caption: string;
}

/** Audit entries, newest first: the outcome in words, not only in colour. */
export function AuditEntriesTable({ items, full = false, busy = false, caption }: AuditEntriesTableProps) {
  const { t, i18n } = useTranslation();
  const orNone = (value: string | null) => value ?? t('audit.none');
  return (
    <Table.ScrollContainer minWidth={full ? 960 : 640}>
      <Table striped aria-busy={busy || undefined}>
        <caption className="visually-hidden">{caption}</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('audit.at')}</Table.Th>
            {full ? <Table.Th scope="col">{t('audit.actor')}</Table.Th> : null}
            <Table.Th scope="col">{t('audit.action')}</Table.Th>
            {full ? <Table.Th scope="col">{t('audit.target')}</Table.Th> : null}
            <Table.Th scope="col">{t('audit.outcome')}</Table.Th>
            <Table.Th scope="col">{t('audit.ip')}</Table.Th>
            <Table.Th scope="col">{t('audit.userAgent')}</Table.Th>
            {full ? <Table.Th scope="col">{t('audit.requestId')}</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((entry) => (
            <Table.Tr key={entry.id}>
              <Table.Td>
                <time dateTime={entry.at}>{dateTime(entry.at, i18n.language)}</time>
              </Table.Td>
              {full ? <Table.Td>{entry.actor ?? t('audit.nobody')}</Table.Td> : null}
              <Table.Td>
                <Code>{entry.action}</Code>
              </Table.Td>
              {full ? <Table.Td>{orNone(entry.target)}</Table.Td> : null}
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text size="sm" fw={600} c={entry.outcome === 'success' ? 'green.9' : 'red.9'}>
                  {entry.outcome === 'success' ? t('audit.success') : t('audit.failure')}
                </Text>
              </Table.Td>
              <Table.Td>{orNone(entry.ip)}</Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2} maw={260}>
                  {orNone(entry.userAgent)}
                </Text>
              </Table.Td>
              {full ? (
                <Table.Td>
                  <Text size="xs" ff="monospace">
                    {entry.requestId}
                  </Text>
                </Table.Td>
              ) : null}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AuditEntriesView } from './AuditEntriesView';
import { useMyActivity } from './queries';

/** My account's "Recent security activity": `GET /api/v1/audit/me`, newest first, "Load more". */
export function RecentActivityPanel() {
  const { t } = useTranslation();
  return (
    <Stack gap="sm">
      <AuditEntriesView list={useMyActivity()} caption={t('audit.recentHeading')} empty={t('audit.recentEmpty')} />
    </Stack>
  );
}

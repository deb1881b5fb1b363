import { Alert, Button, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { usePageTitle } from '../../ui/usePageTitle';
import { AuditEntriesView } from './AuditEntriesView';
import { AUDIT_ACTIONS, type AuditAction, type AuditFilters, useAuditLog, useVerifyChain } from './queries';

interface FilterFields {
  actor: string;
  action: string;
  target: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
}

const NO_FILTERS: FilterFields = {
  actor: '',
  action: '',
  target: '',
  from: '',
  to: '',
};

/** The form's fields as the API's query: empty fields left out, local times sent as ISO 8601. */
export function toAuditFilters(fields: FilterFields): AuditFilters {
  const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);
  const filters: AuditFilters = {
    actor: fields.actor.trim() || undefined,
    action: (fields.action || undefined) as AuditAction | undefined,
    target: fields.target.trim() || undefined,
    from: instant(fields.from),
    to: instant(fields.to),
  };
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)) as AuditFilters;
}

/**
 * `/audit` (admins): the audit log, read-only. Filters apply on submit; "Load more" pages back in
 * time; "Verify chain" walks the whole chain on the server and says whether it is intact.
 */
export default function AuditLogPage() {
  const { t } = useTranslation();
  usePageTitle(t('audit.title'));
  const [fields, setFields] = useState<FilterFields>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>({});
  const log = useAuditLog(filters);
  const verification = useVerifyChain();
  const field = (name: keyof FilterFields) => ({
    value: fields[name],
    onChange: (event: { currentTarget: { value: string } }) => {
      const { value } = event.currentTarget;
      setFields((current) => ({ ...current, [name]: value }));
    },
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilters(toAuditFilters(fields));
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1} size="h2">
            {t('audit.title')}
          </Title>
          <Text size="sm" c="dimmed" maw={720}>
            {t('audit.description')}
          </Text>
        </div>
        <Button variant="default" onClick={() => verification.mutate()} loading={verification.isPending}>
          {t('audit.verify')}
        </Button>
      </Group>

      <div role="status" aria-live="polite">
        {verification.data ? (
          <Alert color={verification.data.valid ? 'green' : 'red'} variant="light">
            {verification.data.valid
              ? t('audit.verified', { checked: verification.data.checked })
              : t('audit.broken', {
                  id: verification.data.firstBrokenId ?? '',
                  checked: verification.data.checked,
                })}
          </Alert>
        ) : null}
      </div>
      {verification.isError ? <ErrorBanner error={verification.error} /> : null}

      <Paper withBorder p="md" component="form" onSubmit={apply} aria-labelledby="audit-filters">
        <Title order={2} size="h5" mb="sm" id="audit-filters">
          {t('audit.filters')}
        </Title>
        <Group align="flex-end" gap="md">
          <TextInput label={t('audit.actor')} description={t('audit.actorHint')} maxLength={128} autoComplete="off" {...field('actor')} />
          <NativeSelect
            label={t('audit.action')}
            data={[
              { value: '', label: t('audit.anyAction') },
              ...AUDIT_ACTIONS.map((action) => ({
                value: action,
                label: action,
              })),
            ]}
            {...field('action')}
          />
          <TextInput
            label={t('audit.target')}
            description={t('audit.targetHint')}
            maxLength={200}
            autoComplete="off"
            {...field('target')}
          />
          <TextInput type="datetime-local" label={t('audit.from')} {...field('from')} />
          <TextInput type="datetime-local" label={t('audit.to')} {...field('to')} />
          <Group gap="xs">
            <Button type="submit">{t('audit.apply')}</Button>
            <Button
              variant="subtle"
              onClick={() => {
                setFields(NO_FILTERS);
                setFilters({});
              }}
            >
              {t('audit.clear')}
            </Button>
          </Group>
        </Group>
      </Paper>

      <AuditEntriesView
        list={log}
        full
        caption={t('audit.title')}
        empty={Object.keys(filters).length > 0 ? t('audit.emptyFiltered') : t('audit.empty')}
      />
    </Stack>
  );
}

import {
  Badge,
  Button,
  Card,
  Drawer,
  EmptyState,
  Group,
  List,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CircuitState, Instance, InstanceStatus, ServiceStatus } from '../../api/types';
import { dateTime, relativeTime } from '../../lib/format';
import { ErrorBanner } from '../../ui/ErrorBanner';
import { ListSkeleton } from '../../ui/Skeletons';
import { usePageTitle } from '../../ui/usePageTitle';
import { SummaryWidgets } from '../statistics/SummaryWidgets';
import { useReadyHistory } from './history';
import { type GatewayReadiness, useReadinessQuery, useServicesQuery } from './queries';

const ReadyChart = lazy(() => import('./ReadyChart'));

/** Down: an instance not `ready`, or a circuit not `closed`. Shown in red and in words. */
export function isInstanceDown(instance: Instance): boolean {
  return instance.status !== 'ready';
}

export function isCircuitDown(circuit: CircuitState): boolean {
  return circuit !== 'closed';
}

function InstanceStatusBadge({ status }: { status: InstanceStatus }) {
  const { t } = useTranslation();
  const down = status !== 'ready';
  return (
    <Badge color={down ? 'red' : 'green'} variant={down ? 'filled' : 'light'} data-down={down || undefined}>
      {t(`dashboard.instanceStatus.${status}`)}
    </Badge>
  );
}

function CircuitBadge({ circuit }: { circuit: CircuitState }) {
  const { t } = useTranslation();
  const down = isCircuitDown(circuit);
  return (
    <Badge color={down ? 'red' : 'green'} variant={down ? 'filled' : 'light'} data-down={down || undefined}>
      {t('dashboard.circuit')}: {t(`dashboard.circuitState.${circuit}`)}
    </Badge>
  );
}

function GatewayCard({ readiness }: { readiness: GatewayReadiness }) {
  const { t } = useTranslation();
  const checks = Object.entries(readiness.report.details ?? {});
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="gateway-heading">
      <Group justify="space-between" mb={checks.length > 0 ? 'xs' : 0}>
        <Title order={2} size="h4" id="gateway-heading">
          {t('dashboard.gateway')}
        </Title>
        <Badge color={readiness.ready ? 'green' : 'red'} variant={readiness.ready ? 'light' : 'filled'}>
          {readiness.ready ? t('dashboard.gatewayReady') : t('dashboard.gatewayNotReady')}
        </Badge>
      </Group>
      {checks.length > 0 ? (
        <Group gap="xs" aria-label={t('dashboard.gatewayChecks')}>
          {checks.map(([name, check]) => (
            <Badge key={name} color={check.status === 'up' ? 'gray' : 'red'} variant="outline">
              {name}: {check.status}
            </Badge>
          ))}
        </Group>
      ) : null}
    </Paper>
  );
}

function ServiceCard({ service, onDetails }: { service: ServiceStatus; onDetails: () => void }) {
  const { t, i18n } = useTranslation();
  const headingId = `service-${service.name}`;
  return (
    <Card withBorder component="section" aria-labelledby={headingId}>
      <Group justify="space-between" mb="sm" wrap="wrap" gap="xs">
        <Group gap="xs">
          <Title order={3} size="h4" id={headingId}>
            {service.name}
          </Title>
          <Text size="sm" c="dimmed">
            {t('dashboard.instances', { count: service.instances.length })}
          </Text>
        </Group>
        <Group gap="xs">
          <CircuitBadge circuit={service.circuit} />
          <Button size="xs" variant="light" onClick={onDetails} aria-label={t('dashboard.detailsOf', { name: service.name })}>
            {t('dashboard.details')}
          </Button>
        </Group>
      </Group>
      {service.instances.length === 0 ? (
        <Text size="sm" c="red">
          {t('dashboard.noInstances')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('dashboard.instanceId')}</Table.Th>
                <Table.Th scope="col">{t('dashboard.status')}</Table.Th>
                <Table.Th scope="col">{t('dashboard.lastHeartbeat')}</Table.Th>
                <Table.Th scope="col">{t('dashboard.version')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {service.instances.map((instance) => (
                <Table.Tr key={instance.instanceId} c={isInstanceDown(instance) ? 'red' : undefined}>
                  <Table.Td ff="monospace">{instance.instanceId}</Table.Td>
                  <Table.Td>
                    <InstanceStatusBadge status={instance.status} />
                  </Table.Td>
                  <Table.Td>
                    <time dateTime={instance.lastHeartbeat} title={dateTime(instance.lastHeartbeat, i18n.language)}>
                      {relativeTime(instance.lastHeartbeat, i18n.language)}
                    </time>
                  </Table.Td>
                  <Table.Td>{instance.version}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

function unique(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

function ServiceDrawer({ service, onClose }: { service: ServiceStatus | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const patterns = service ? unique(service.instances.map((instance) => instance.patterns)) : [];
  const events = service ? unique(service.instances.map((instance) => instance.events)) : [];
  return (
    <Drawer
      opened={service !== undefined}
      onClose={onClose}
      position="right"
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={service ? t('dashboard.detailsOf', { name: service.name }) : ''}
    >
      {service ? (
        <Stack gap="md">
          <CircuitBadge circuit={service.circuit} />
          <div>
            <Title order={3} size="h5" mb="xs">
              {t('dashboard.patterns')}
            </Title>
            {patterns.length > 0 ? (
              <List size="sm" ff="monospace">
                {patterns.map((pattern) => (
                  <List.Item key={pattern}>{pattern}</List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm">{t('common.none')}</Text>
            )}
          </div>
          <div>
            <Title order={3} size="h5" mb="xs">
              {t('dashboard.events')}
            </Title>
            {events.length > 0 ? (
              <List size="sm" ff="monospace">
                {events.map((event) => (
                  <List.Item key={event}>{event}</List.Item>
                ))}
              </List>
            ) : (
              <Text size="sm">{t('common.none')}</Text>
            )}
          </div>
          <div>
            <Title order={3} size="h5" mb="xs">
              {t('dashboard.instanceId')}
            </Title>
            <List size="sm">
              {service.instances.map((instance) => (
                <List.Item key={instance.instanceId}>
                  <Text span ff="monospace" size="sm">
                    {instance.instanceId}
                  </Text>{' '}
                  · {t('dashboard.host')}: {instance.host} · pid {instance.pid} · {t('dashboard.version')} {instance.version} ·{' '}
                  {t(`dashboard.instanceStatus.${instance.status}`)} · {dateTime(instance.startedAt, i18n.language)}
                </List.Item>
              ))}
            </List>
          </div>
        </Stack>
      ) : null}
    </Drawer>
  );
}

/**
 * `/` (admins): the statistics service's activity widgets (their own alert when it is down), then
 * the registry's services and instances, circuits, gateway readiness, polled every 3 s.
 */
export default function DashboardPage() {
  const { t } = useTranslation();
  usePageTitle(t('dashboard.title'));
  const services = useServicesQuery();
  const readiness = useReadinessQuery();
  const history = useReadyHistory(services.data, services.dataUpdatedAt);
  const [selected, setSelected] = useState<string | null>(null);
  const selectedService = services.data?.find((service) => service.name === selected);
  const names = unique([...(services.data ?? []).map((service) => [service.name]), ...history.map((p) => Object.keys(p.ready))]);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="baseline">
        <Title order={1} size="h2">
          {t('dashboard.title')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('dashboard.autoRefresh')}
        </Text>
      </Group>

      <SummaryWidgets />

      {services.isError ? (
        <ErrorBanner
          error={services.error}
          hasData={services.data !== undefined}
          retrying={services.isFetching}
          onRetry={() => {
            void services.refetch();
            void readiness.refetch();
          }}
        />
      ) : null}

      {readiness.data ? (
        <GatewayCard readiness={readiness.data} />
      ) : readiness.isError ? (
        <ErrorBanner error={readiness.error} onRetry={() => void readiness.refetch()} retrying={readiness.isFetching} />
      ) : (
        <ListSkeleton rows={1} height={56} />
      )}

      <Paper withBorder p="md" component="section" aria-labelledby="ready-chart-title">
        <Title order={2} size="h4" id="ready-chart-title">
          {t('dashboard.chartTitle')}
        </Title>
        <Text size="xs" c="dimmed" mb="xs">
          {t('dashboard.chartDescription')}
        </Text>
        <Suspense fallback={<ListSkeleton rows={1} height={180} />}>
          <ReadyChart points={history} services={names} />
        </Suspense>
      </Paper>

      <Title order={2} size="h3">
        {t('dashboard.services')}
      </Title>
      {services.data === undefined ? (
        services.isError ? null : (
          <ListSkeleton rows={4} height={64} />
        )
      ) : services.data.length === 0 ? (
        <EmptyState title={t('dashboard.noServices')} />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {services.data.map((service) => (
            <ServiceCard key={service.name} service={service} onDetails={() => setSelected(service.name)} />
          ))}
        </SimpleGrid>
      )}

      <ServiceDrawer service={selectedService} onClose={() => setSelected(null)} />
    </Stack>
  );
}

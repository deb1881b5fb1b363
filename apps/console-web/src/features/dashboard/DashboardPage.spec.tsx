import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Instance, ServiceStatus } from '../../api/types';
import type { Summary } from '../statistics/queries';
import { ADMIN, gatewayError, type Handler, json } from '../../test/api-mock';
import { renderApp } from '../../test/render';

// recharts needs a layout jsdom does not do; the chart's data is tested in history.spec.ts
vi.mock('./ReadyChart', () => ({
  default: ({ points }: { points: unknown[] }) => <p>chart of {points.length} polls</p>,
}));
vi.mock('../statistics/WidgetSparkline', () => ({
  default: ({ data }: { data: number[] }) => <p>sparkline of {data.join(',')}</p>,
}));

const now = () => new Date(Date.now() - 2_000).toISOString();

function instance(overrides: Partial<Instance>): Instance {
  return {
    service: 'users',
    instanceId: 'users-1',
    version: '0.1.0',
    host: 'pod-1',
    pid: 101,
    healthPort: 9101,
    patterns: ['users.get', 'users.create'],
    events: ['user.deleted'],
    startedAt: '2025-01-01T10:00:00.000Z',
    lastHeartbeat: now(),
    status: 'ready',
    ...overrides,
  };
}

const services = (): ServiceStatus[] => [
  {
    name: 'users',
    circuit: 'closed',
    instances: [instance({}), instance({ instanceId: 'users-2', status: 'not_ready', version: '0.2.0' })],
  },
  { name: 'oauth', circuit: 'open', instances: [instance({ service: 'oauth', instanceId: 'oauth-1', patterns: ['oauth.login'], events: [] })] },
];

const ready = () => json(200, { status: 'ok', info: {}, error: {}, details: { redis: { status: 'up' }, registry: { status: 'up' } } });

const SUMMARY = '/api/v1/statistics/summary';
const summaryItems = (): Summary['items'] => [
  { key: 'newUsers', metric: 'users.created', kind: 'counter', unit: 'count', total: 15, previous: 12, delta: 3, deltaPercent: 25, sparkline: [1, 2, 3, 2, 3, 2, 2] },
  { key: 'logins', metric: 'oauth.login.succeeded', kind: 'counter', unit: 'count', total: 40, previous: 50, delta: -10, deltaPercent: -20, sparkline: [5, 6, 7, 5, 6, 5, 6] },
  { key: 'activeApps', metric: 'applications.total', kind: 'gauge', unit: 'count', total: 4, previous: 4, delta: 0, deltaPercent: 0, sparkline: [4, 4, 4, 4, 4, 4, 4] },
  { key: 'storage', metric: 'images.storage.bytes', kind: 'gauge', unit: 'bytes', total: 1_500_000, previous: 0, delta: 1_500_000, deltaPercent: null, sparkline: [0, 0, 0, 0, 0, 0, 1_500_000] },
  { key: 'imports', metric: 'data.import.completed', kind: 'counter', unit: 'count', total: 1234, previous: 0, delta: 1234, deltaPercent: null, sparkline: [0, 0, 1000, 0, 0, 234, 0] },
];
const summary = (period: Summary['period'] = '7d', items = summaryItems()): Summary => ({ period, tz: 'UTC', from: '2025-01-01T00:00:00.000Z', to: '2025-01-08T00:00:00.000Z', items });
const summaryOk = () => json(200, summary());

describe('the dashboard', () => {
  it('lists every service with its instances, circuit and the gateway’s readiness', async () => {
    await renderApp('/', {
      user: ADMIN,
      handlers: { 'GET /api/v1/services': () => json(200, services()), 'GET /health/ready': ready, [`GET ${SUMMARY}`]: summaryOk },
    });
    const users = await screen.findByRole('region', { name: 'users' });
    const rows = within(users).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1] as HTMLElement).getByText('users-1')).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText('Ready')).toBeInTheDocument();
    // two seconds old when the fixture was made; a slow render (a busy CI machine) adds a few
    expect(within(rows[1] as HTMLElement).getByText(/^[2-9] seconds ago$/)).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText('0.1.0')).toBeInTheDocument();
    expect(within(users).getByText('Circuit: Closed')).toBeInTheDocument();
    const gateway = screen.getByRole('region', { name: 'Gateway' });
    expect(within(gateway).getByText('Ready')).toBeInTheDocument();
    expect(within(gateway).getByText('redis: up')).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Dashboard · site11 console'));
  });

  it('shows a down instance and an open circuit in red and in words', async () => {
    await renderApp('/', {
      user: ADMIN,
      handlers: { 'GET /api/v1/services': () => json(200, services()), 'GET /health/ready': ready, [`GET ${SUMMARY}`]: summaryOk },
    });
    const users = await screen.findByRole('region', { name: 'users' });
    const notReady = within(users).getByText('Not ready');
    expect(notReady.closest('[data-down]')).not.toBeNull();
    expect(notReady.closest('tr')).toHaveStyle({ color: 'var(--mantine-color-red-text)' });
    const oauth = screen.getByRole('region', { name: 'oauth' });
    expect(within(oauth).getByText('Circuit: Open').closest('[data-down]')).not.toBeNull();
    expect(within(users).getByText('Circuit: Closed').closest('[data-down]')).toBeNull();
  });

  it('opens a drawer with the patterns and events of a service', async () => {
    const { user } = await renderApp('/', {
      user: ADMIN,
      handlers: { 'GET /api/v1/services': () => json(200, services()), 'GET /health/ready': ready, [`GET ${SUMMARY}`]: summaryOk },
    });
    await user.click(await screen.findByRole('button', { name: 'Details of users' }));
    const drawer = await screen.findByRole('dialog', { name: 'Details of users' });
    expect(within(drawer).getByText('users.create')).toBeInTheDocument();
    expect(within(drawer).getByText('users.get')).toBeInTheDocument();
    expect(within(drawer).getByText('user.deleted')).toBeInTheDocument();
  });

  it('shows the gateway as not ready when /health/ready answers 503', async () => {
    await renderApp('/', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/services': () => json(200, services()),
        'GET /health/ready': () => json(503, { status: 'error', error: { redis: { status: 'down' } }, details: { redis: { status: 'down' } } }),
        [`GET ${SUMMARY}`]: summaryOk,
      },
    });
    const gateway = await screen.findByRole('region', { name: 'Gateway' });
    expect(await within(gateway).findByText('Not ready')).toBeInTheDocument();
    expect(within(gateway).getByText('redis: down')).toBeInTheDocument();
  });

  it('keeps the services on screen with a retry banner when the registry becomes unavailable', async () => {
    let down = false;
    const { queryClient, user } = await renderApp('/', {
      user: ADMIN,
      handlers: {
        'GET /api/v1/services': () => (down ? gatewayError(503, 'SERVICE_UNAVAILABLE', 'unavailable') : json(200, services())),
        'GET /health/ready': ready,
        [`GET ${SUMMARY}`]: summaryOk,
      },
    });
    expect(await screen.findByRole('region', { name: 'users' })).toBeInTheDocument();
    down = true;
    await queryClient.refetchQueries({ queryKey: ['operations', 'services'] });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Service unavailable');
    expect(screen.getByRole('region', { name: 'users' })).toBeInTheDocument();

    down = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
  });

  it('has an empty state when no service has registered', async () => {
    await renderApp('/', {
      user: ADMIN,
      handlers: { 'GET /api/v1/services': () => json(200, []), 'GET /health/ready': ready, [`GET ${SUMMARY}`]: summaryOk },
    });
    expect(await screen.findByText('No service has registered yet.')).toBeInTheDocument();
  });

  describe('activity widgets (statistics)', () => {
    const handlers = (summaryHandler: Handler = summaryOk) => ({
      'GET /api/v1/services': () => json(200, services()),
      'GET /health/ready': ready,
      [`GET ${SUMMARY}`]: summaryHandler,
    });
    const widget = (name: string) => screen.findByRole('group', { name });

    it('show five numbers of the last 7 days, each with its change from the period before (in words too) and a sparkline', async () => {
      const { gateway } = await renderApp('/', { user: ADMIN, handlers: handlers() });
      const activity = await screen.findByRole('region', { name: 'Activity' });
      expect(within(activity).getByText('Everyone’s activity')).toBeInTheDocument();
      const groups = await within(activity).findAllByRole('group');
      const names = ['New users', 'Sign-ins', 'Active apps', 'Storage', 'Imports'];
      expect(groups).toEqual(names.map((name) => within(activity).getByRole('group', { name })));

      const users = await widget('New users');
      expect(within(users).getByTestId('widget-value')).toHaveTextContent('15');
      expect(within(users).getByText('up 3 (25%) from previous period')).toBeInTheDocument();
      expect(within(users).getByTestId('widget-delta')).toHaveTextContent('▲ +3 (+25%)');
      expect(within(users).getByTestId('widget-delta')).toHaveStyle({ color: 'var(--mantine-color-teal-9)' });
      expect(await within(users).findByText('sparkline of 1,2,3,2,3,2,2')).toBeInTheDocument();

      const logins = await widget('Sign-ins');
      expect(within(logins).getByTestId('widget-value')).toHaveTextContent('40');
      expect(within(logins).getByText('down 10 (20%) from previous period')).toBeInTheDocument();
      expect(within(logins).getByTestId('widget-delta')).toHaveTextContent('▼ -10 (-20%)');
      expect(within(await widget('Active apps')).getByText('no change from previous period')).toBeInTheDocument();
      const storage = await widget('Storage');
      expect(within(storage).getByTestId('widget-value')).toHaveTextContent('1.5 MB');
      // no percent when there was nothing before
      expect(within(storage).getByText('up 1.5 MB from previous period')).toBeInTheDocument();
      expect(within(await widget('Imports')).getByTestId('widget-value')).toHaveTextContent('1,234');

      const [request] = gateway.calls('GET', SUMMARY);
      expect(Object.fromEntries(new URL(request?.url ?? '').searchParams)).toEqual({ period: '7d', tz: Intl.DateTimeFormat().resolvedOptions().timeZone });
    });

    it('switch to the last 24 hours or 30 days', async () => {
      const { user, gateway } = await renderApp('/', {
        user: ADMIN,
        handlers: handlers((request) => {
          const period = (new URL(request.url).searchParams.get('period') ?? '7d') as Summary['period'];
          const items = summaryItems().map((item) => (item.key === 'newUsers' ? { ...item, total: period === '24h' ? 2 : 15 } : item));
          return json(200, summary(period, items));
        }),
      });
      const activity = await screen.findByRole('region', { name: 'Activity' });
      const period = within(activity).getByRole('radiogroup', { name: 'Period' });
      expect(within(period).getByRole('radio', { name: '7 days' })).toBeChecked();
      expect(within(await widget('New users')).getByTestId('widget-value')).toHaveTextContent('15');
      await user.click(within(period).getByRole('radio', { name: '24 hours' }));
      await waitFor(() => expect(within(screen.getByRole('group', { name: 'New users' })).getByTestId('widget-value')).toHaveTextContent('2'));
      expect(gateway.calls('GET', SUMMARY).map((request) => new URL(request.url).searchParams.get('period'))).toEqual(['7d', '24h']);
    });

    it('say in place that statistics is unavailable, with Retry, while the rest of the dashboard works', async () => {
      let down = true;
      const { user } = await renderApp('/', {
        user: ADMIN,
        handlers: handlers(() => (down ? gatewayError(503, 'SERVICE_UNAVAILABLE', 'statistics is unavailable') : summaryOk())),
      });
      const activity = await screen.findByRole('region', { name: 'Activity' });
      const alert = await within(activity).findByRole('alert');
      expect(alert).toHaveTextContent('Service unavailable');
      expect(screen.queryByRole('group', { name: 'New users' })).not.toBeInTheDocument();
      // the services and the gateway are shown all the same
      expect(await screen.findByRole('region', { name: 'users' })).toBeInTheDocument();
      expect(screen.getByRole('region', { name: 'Gateway' })).toBeInTheDocument();

      down = false;
      await user.click(within(alert).getByRole('button', { name: 'Retry' }));
      expect(within(await widget('New users')).getByTestId('widget-value')).toHaveTextContent('15');
      expect(within(activity).queryByRole('alert')).not.toBeInTheDocument();
    });

    it('are in Korean too', async () => {
      await renderApp('/', { user: ADMIN, handlers: handlers(), language: 'ko' });
      const users = await widget('신규 사용자');
      expect(within(users).getByText('이전 기간보다 3(25%) 증가')).toBeInTheDocument();
      expect(screen.getByRole('radio', { name: '7일' })).toBeChecked();
    });
  });
});

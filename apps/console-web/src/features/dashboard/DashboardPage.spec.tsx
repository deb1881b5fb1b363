import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Instance, ServiceStatus } from '../../api/types';
import { ADMIN, gatewayError, json } from '../../test/api-mock';
import { renderApp } from '../../test/render';

// recharts needs a layout jsdom does not do; the chart's data is tested in history.spec.ts
vi.mock('./ReadyChart', () => ({
  default: ({ points }: { points: unknown[] }) => <p>chart of {points.length} polls</p>,
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

describe('the dashboard', () => {
  it('lists every service with its instances, circuit and the gateway’s readiness', async () => {
    await renderApp('/', {
      user: ADMIN,
      handlers: { 'GET /api/v1/services': () => json(200, services()), 'GET /health/ready': ready },
    });
    const users = await screen.findByRole('region', { name: 'users' });
    const rows = within(users).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1] as HTMLElement).getByText('users-1')).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText('Ready')).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText('2 seconds ago')).toBeInTheDocument();
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
      handlers: { 'GET /api/v1/services': () => json(200, services()), 'GET /health/ready': ready },
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
      handlers: { 'GET /api/v1/services': () => json(200, services()), 'GET /health/ready': ready },
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
      handlers: { 'GET /api/v1/services': () => json(200, []), 'GET /health/ready': ready },
    });
    expect(await screen.findByText('No service has registered yet.')).toBeInTheDocument();
  });
});

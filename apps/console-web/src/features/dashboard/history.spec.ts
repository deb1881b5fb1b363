import { describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../api/types';
import { appendPoint, HISTORY_LIMIT, readyCount } from './history';

const service = (name: string, statuses: ServiceStatus['instances'][number]['status'][]): ServiceStatus => ({
  name,
  circuit: 'closed',
  instances: statuses.map((status, i) => ({
    service: name,
    instanceId: `${name}-${i}`,
    version: '1',
    host: 'h',
    pid: i,
    healthPort: 0,
    patterns: [],
    events: [],
    startedAt: '2025-01-01T00:00:00Z',
    lastHeartbeat: '2025-01-01T00:00:00Z',
    status,
  })),
});

describe('the ready-instances history of the dashboard', () => {
  it('counts only ready instances', () => {
    expect(readyCount(service('users', ['ready', 'not_ready', 'ready', 'gone']))).toBe(2);
  });

  it('records one point per poll, not twice for the same answer', () => {
    const services = [service('users', ['ready', 'ready']), service('oauth', ['shutting_down'])];
    const once = appendPoint([], services, 1000);
    expect(once).toEqual([{ at: 1000, ready: { users: 2, oauth: 0 } }]);
    expect(appendPoint(once, services, 1000)).toBe(once);
    expect(appendPoint(once, services, 4000)).toHaveLength(2);
  });

  it(`keeps the last ${HISTORY_LIMIT} polls (10 minutes at 3 s)`, () => {
    let points = appendPoint([], [], 0);
    for (let at = 1; at <= HISTORY_LIMIT + 10; at += 1) points = appendPoint(points, [service('users', ['ready'])], at);
    expect(points).toHaveLength(HISTORY_LIMIT);
    expect(points[0]?.at).toBe(11);
  });
});

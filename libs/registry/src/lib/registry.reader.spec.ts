import type { RedisClient } from '@site11/redis';
import { RegistryKeys } from './registry.records';
import { RegistryReader } from './registry.reader';

describe('RegistryReader', () => {
  const live = {
    service: 'users',
    instanceId: 'a',
    version: '1.0.0',
    host: 'h',
    pid: 1,
    healthPort: 3101,
    patterns: ['users.create'],
    events: [],
    startedAt: '2026-01-01T00:00:00.000Z',
    lastHeartbeat: '2026-01-01T00:00:01.000Z',
    status: 'ready',
  };
  const redis = {
    smembers: jest.fn(async () => ['users']),
    zremrangebyscore: jest.fn(async () => 0),
    zrange: jest.fn(async () => ['a', '1000', 'b', '2000']),
    get: jest.fn(async (key: string) => (key === RegistryKeys.instance('users', 'a') ? JSON.stringify(live) : null)),
  };
  const reader = new RegistryReader(redis as unknown as RedisClient);

  it('reports live instances as they announced themselves and expired ones as gone', async () => {
    const [users] = await reader.services();
    expect(users.name).toBe('users');
    expect(users.instances).toEqual([
      live,
      expect.objectContaining({ instanceId: 'b', status: 'gone', lastHeartbeat: new Date(2000).toISOString() }),
    ]);
    // one GET per entry: in a Redis Cluster, entries of one service are in different slots (no MGET)
    expect(redis.get.mock.calls.map(([key]) => key)).toEqual([RegistryKeys.instance('users', 'a'), RegistryKeys.instance('users', 'b')]);
  });

  it('forgets instances silent for more than five minutes', async () => {
    await reader.service('users');
    const [, min, max] = redis.zremrangebyscore.mock.calls.at(-1) as unknown as [string, number, number];
    expect(min).toBe(0);
    expect(Date.now() - max).toBeGreaterThanOrEqual(5 * 60_000 - 50);
  });
});

import { clusterOptions } from './redis-client';
import { parseClusterNodes, redisConnectionOptions, redisEndpointOf, transportRedisOptions } from './redis-options';

describe('redis options', () => {
  it('parses credentials, database and TLS from the URL', () => {
    expect(redisConnectionOptions('rediss://app:s%40cret@cache.internal:6380/2')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'app',
      password: 's@cret',
      db: 2,
      tls: {},
    });
  });

  it('defaults the port and sets nothing it was not given', () => {
    expect(redisConnectionOptions('redis://localhost')).toEqual({ host: 'localhost', port: 6379 });
  });

  it('fails calls at once while disconnected on the calling side only', () => {
    expect(transportRedisOptions('redis://h', 'client')).toMatchObject({ enableOfflineQueue: false });
    expect(transportRedisOptions('redis://h', 'server')).not.toHaveProperty('enableOfflineQueue');
  });
});

describe('redis endpoint', () => {
  it('is one node without REDIS_CLUSTER_NODES, and a cluster of the listed nodes with it', () => {
    expect(redisEndpointOf({ REDIS_URL: 'redis://h:1' })).toEqual({ url: 'redis://h:1' });
    expect(redisEndpointOf({ REDIS_URL: 'redis://h:1', REDIS_CLUSTER_NODES: '' })).toEqual({ url: 'redis://h:1' });
    expect(redisEndpointOf({ REDIS_URL: 'redis://app:pw@h:1', REDIS_CLUSTER_NODES: 'a:7000, b.internal:7001' })).toEqual({
      url: 'redis://app:pw@h:1',
      clusterNodes: [
        { host: 'a', port: 7000 },
        { host: 'b.internal', port: 7001 },
      ],
    });
    expect(() => parseClusterNodes('a:7000;b:7001')).toThrow(/host:port/);
    expect(() => parseClusterNodes('a:70000')).toThrow(/port/);
  });

  it('gives every cluster node the URL credentials and TLS, reads from masters only, and fails fast when asked', () => {
    const options = clusterOptions('rediss://app:s%40cret@ignored:1', { failFast: true, autoPipelining: true, connectionName: 'app' });
    expect(options).toMatchObject({
      scaleReads: 'master',
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      redisOptions: { username: 'app', password: 's@cret', tls: {}, connectionName: 'app', maxRetriesPerRequest: 0 },
    });
    expect(clusterOptions('redis://h:1')).toMatchObject({ enableOfflineQueue: true, redisOptions: { maxRetriesPerRequest: null } });
    expect(() => clusterOptions('redis://h:1/3')).toThrow(/database 0 only/);
  });

  it('refuses a cluster for the pub/sub transport', () => {
    expect(() => transportRedisOptions({ url: 'redis://h:1', clusterNodes: [{ host: 'h', port: 1 }] }, 'client')).toThrow(/TRANSPORT=redis/);
    expect(transportRedisOptions({ url: 'redis://h:1' }, 'client')).toMatchObject({ host: 'h', port: 1 });
  });
});

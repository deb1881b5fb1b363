import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { startRedisCluster } from '../../../../tools/platform/platform.cjs';
import { clusterSlotOf } from './cluster-slot';
import { createFailFastRedis } from './fail-fast-redis';
import { createRedisClient, type RedisClient } from './redis-client';
import { redisEndpointOf } from './redis-options';

jest.setTimeout(60_000);

describe('createRedisClient on a real Redis Cluster', () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  const clients: RedisClient[] = [];
  const endpoint = () => redisEndpointOf({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: cluster.clusterNodes });

  beforeAll(async () => {
    cluster = await startRedisCluster({ dir: mkdtempSync(join(tmpdir(), 'redis-cluster-')) });
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await cluster?.stop();
  });

  it('is a cluster client that reaches the key of every slot, and agrees with CLUSTER KEYSLOT', async () => {
    const redis = createFailFastRedis(endpoint(), { connectionName: 'cluster-test' });
    clients.push(redis);
    expect(redis).toBeInstanceOf(Cluster);
    await new Promise((resolve) => redis.once('ready', resolve));

    const keys = ['rpc:{users}', 'rpc:{oauth}', 'registry:services', 'cache:{users:1}:ver'];
    await Promise.all(keys.map((key) => redis.set(key, key)));
    expect(await Promise.all(keys.map((key) => redis.get(key)))).toEqual(keys);
    for (const key of keys) expect(await redis.cluster('KEYSLOT', key)).toBe(clusterSlotOf(key));
    // what the apps must never do: keys of several slots in one command (refused before it is
    // sent when auto-pipelined, by Redis with CROSSSLOT otherwise)
    await expect(redis.mget('rpc:{users}', 'rpc:{oauth}')).rejects.toThrow(/CROSSSLOT|same slot/);
  });

  it('delivers a PUBLISH from every node to one subscriber (reply channels need no slot)', async () => {
    const sub = createRedisClient(endpoint(), { lazyConnect: true });
    const pub = createRedisClient(endpoint(), { failFast: true, autoPipelining: true });
    clients.push(sub, pub);
    await sub.connect();
    const received: string[] = [];
    sub.on('message', (_channel: string, message: string) => received.push(message));
    await sub.subscribe('rpc:reply:test:instance-1');
    // each master publishes, as the finish script does on the node of its request stream; the
    // subscriber listens on one node only
    const masters = (pub as Cluster).nodes('master');
    expect(masters).toHaveLength(3);
    for (const [i, master] of masters.entries()) await master.publish('rpc:reply:test:instance-1', `answer-${i}`);
    for (const deadline = Date.now() + 5000; received.length < 3 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received.sort()).toEqual(['answer-0', 'answer-1', 'answer-2']);
  });
});

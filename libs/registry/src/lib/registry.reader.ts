import { Inject, Injectable } from '@nestjs/common';
import type { RedisClient } from '@site11/redis';
import { type InstanceRecord, type InstanceView, RegistryKeys, type ServiceView } from './registry.records';
import { REGISTRY_REDIS } from './registry.redis';

/** How long an instance that stopped heartbeating stays listed as `gone` before it is forgotten. */
const FORGET_AFTER_MS = 5 * 60_000;

/** Reads the registry: every service, its instances, their status and last heartbeat. */
@Injectable()
export class RegistryReader {
  constructor(@Inject(REGISTRY_REDIS) private readonly redis: RedisClient) {}

  async services(): Promise<ServiceView[]> {
    const names = (await this.redis.smembers(RegistryKeys.services)).sort();
    return Promise.all(names.map((name) => this.service(name)));
  }

  async service(name: string): Promise<ServiceView> {
    const now = Date.now();
    await this.redis.zremrangebyscore(RegistryKeys.instances(name), 0, now - FORGET_AFTER_MS);
    const members = await this.redis.zrange(RegistryKeys.instances(name), 0, -1, 'WITHSCORES');
    const ids: { id: string; seen: number }[] = [];
    for (let i = 0; i + 1 < members.length; i += 2) ids.push({ id: members[i], seen: Number(members[i + 1]) });
    // one GET per entry, not MGET: entries are in different Redis Cluster slots (auto-pipelining
    // sends them in one write per node)
    const records = await Promise.all(ids.map(({ id }) => this.redis.get(RegistryKeys.instance(name, id))));
    const instances: InstanceView[] = ids.map(({ id, seen }, index) => {
      const raw = records[index];
      if (raw) return JSON.parse(raw) as InstanceRecord;
      return {
        service: name,
        instanceId: id,
        version: 'unknown',
        host: 'unknown',
        pid: 0,
        healthPort: 0,
        patterns: [],
        events: [],
        startedAt: '',
        lastHeartbeat: new Date(seen).toISOString(),
        status: 'gone',
      };
    });
    return { name, instances };
  }
}

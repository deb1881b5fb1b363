import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { ReadinessService } from '@site11/health';
import type { RedisClient } from '@site11/redis';
import { hostname } from 'node:os';
import { REGISTRY_OPTIONS, type RegistryModuleOptions } from './registry.options';
import { type InstanceRecord, RegistryKeys } from './registry.records';
import { REGISTRY_REDIS } from './registry.redis';

/**
 * Announces this instance in Redis at start and on every heartbeat (with its readiness, so the
 * registry tells ready from not ready), lets the entry expire by itself when the process dies,
 * and removes it on a clean shutdown.
 */
@Injectable()
export class RegistryAnnouncer implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(RegistryAnnouncer.name);
  private timer?: NodeJS.Timeout;
  private record?: InstanceRecord;
  private stopping = false;

  constructor(
    @Inject(REGISTRY_OPTIONS) private readonly options: RegistryModuleOptions,
    @Inject(REGISTRY_REDIS) private readonly redis: RedisClient,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const announce = this.options.announce;
    if (!announce) return;
    const { patterns, events } = this.handledPatterns();
    this.record = {
      ...announce,
      host: hostname(),
      pid: process.pid,
      patterns,
      events,
      startedAt: new Date().toISOString(),
      lastHeartbeat: new Date().toISOString(),
      status: 'not_ready',
    };
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs ?? 2000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.beat();
  }

  /** Deregisters, then closes the registry's connection (it owns it for the app's lifetime). */
  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const record = this.record;
    if (record) {
      // separate commands: the registry's keys are in different Redis Cluster slots
      await Promise.all([
        this.redis.del(RegistryKeys.instance(record.service, record.instanceId)),
        this.redis.zrem(RegistryKeys.instances(record.service), record.instanceId),
      ]).catch(() => undefined);
      this.logger.log(`Deregistered ${record.service}/${record.instanceId}`);
    }
    this.redis.disconnect();
  }

  private async beat(): Promise<void> {
    const record = this.record;
    if (!record) return;
    record.status = this.stopping ? 'shutting_down' : (await this.isReady()) ? 'ready' : 'not_ready';
    record.lastHeartbeat = new Date().toISOString();
    const ttl = this.options.ttlMs ?? 10_000;
    try {
      // Separate commands (sent in one write by auto-pipelining), not one MULTI: the three keys are
      // in different Redis Cluster slots. Each is a heartbeat the next beat repeats, so none needs
      // the others to have landed; readers show an instance listed without its entry as gone.
      await Promise.all([
        this.redis.sadd(RegistryKeys.services, record.service),
        this.redis.zadd(RegistryKeys.instances(record.service), Date.now(), record.instanceId),
        this.redis.set(RegistryKeys.instance(record.service, record.instanceId), JSON.stringify(record), 'PX', ttl),
      ]);
    } catch {
      // Redis is away; the entry expires and comes back with the next beat after it returns
    }
  }

  private async isReady(): Promise<boolean> {
    const readiness = this.moduleRef.get(ReadinessService, { strict: false });
    try {
      return (await readiness.check()).ready;
    } catch {
      return false;
    }
  }

  /** The message and event patterns this app's controllers handle. */
  private handledPatterns(): { patterns: string[]; events: string[] } {
    const patterns = new Set<string>();
    const events = new Set<string>();
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method];
        const names = Reflect.getMetadata(PATTERN_METADATA, handler) as unknown[] | undefined;
        if (!names) continue;
        const isEvent = Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler) === PatternHandler.EVENT;
        for (const name of names) (isEvent ? events : patterns).add(String(name));
      }
    }
    return { patterns: [...patterns].sort(), events: [...events].sort() };
  }
}

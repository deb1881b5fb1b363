import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  ApplicationsEvents,
  CONFIG_MAX_BYTES,
  type ConfigDiffDto,
  type ConfigVersionDto,
  type ConfigVersionPageDto,
  type ConfigVersionSummaryDto,
  type JsonPatchOperationDto,
  PAGE_DEFAULT_LIMIT,
} from '@site11/contracts';
import { isDuplicateKey, OutboxRelay, outboxEvent, withOutbox } from '@site11/persistence';
import { compare } from 'fast-json-patch';
import { Model, Types } from 'mongoose';
import { ApplicationsService } from '../applications/applications.service';
import { ConfigVersion } from './config-version.schema';
import { ConfigBusyError, ConfigNotFoundError, ConfigTooLargeError, ConfigVersionMismatchError, ConfigVersionNotFoundError } from './config.errors';

/**
 * How often a PUT without `If-Match` tries again after a concurrent one took its version number:
 * each loss means another PUT succeeded, so n concurrent PUTs need at most n attempts each.
 */
const PUBLISH_ATTEMPTS = 20;

interface Publish {
  id: string;
  env: string;
  values: Record<string, unknown>;
  message: string;
  /** `If-Match`: this version must be the latest; 0 (`*`): some version must exist. */
  ifMatch?: number;
}

function toSummary(stored: ConfigVersion): ConfigVersionSummaryDto {
  return { version: stored.version, message: stored.message, author: stored.author, createdAt: stored.createdAt.toISOString() };
}

function toDto(stored: ConfigVersion): ConfigVersionDto {
  return { ...toSummary(stored), applicationId: stored.applicationId, env: stored.env, values: JSON.parse(stored.valuesJson) as Record<string, unknown> };
}

/**
 * Configuration per application and environment: every change is a new immutable version
 * (1, 2, 3 …) with its author and message, published with `applications.config.published` in the
 * same insert. Versions are numbered by a unique index, so two concurrent changes never share a
 * number: with `If-Match` the loser gets 412, without it takes the next number.
 */
@Injectable()
export class ConfigService implements OnModuleInit {
  constructor(
    @InjectModel(ConfigVersion.name) private readonly versions: Model<ConfigVersion>,
    private readonly applications: ApplicationsService,
    private readonly outbox: OutboxRelay,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.versions.init();
    this.outbox.watch(this.versions);
  }

  async put(command: Publish, actor: Actor, requestId = 'applications'): Promise<ConfigVersionDto> {
    const application = await this.applications.owned(command.id, actor);
    const valuesJson = JSON.stringify(command.values);
    const bytes = Buffer.byteLength(valuesJson);
    if (bytes > CONFIG_MAX_BYTES) throw new ConfigTooLargeError(bytes);
    const applicationId = application._id.toHexString();

    for (let attempt = 1; ; attempt += 1) {
      const latest = await this.latest(applicationId, command.env);
      if (command.ifMatch !== undefined && (latest === null || (command.ifMatch !== 0 && latest.version !== command.ifMatch))) {
        throw new ConfigVersionMismatchError(command.ifMatch, latest?.version ?? null);
      }
      const version = (latest?.version ?? 0) + 1;
      const _id = new Types.ObjectId();
      const event = outboxEvent(ApplicationsEvents.configPublished, { applicationId, env: command.env, version, author: actor.sub }, requestId);
      try {
        const created = await this.versions.create({
          _id,
          applicationId,
          env: command.env,
          version,
          valuesJson,
          message: command.message,
          author: actor.sub,
          createdAt: new Date(),
          ...withOutbox(event),
        });
        await this.outbox.publishOrDefer(this.versions, _id, [event]);
        return toDto(created.toObject());
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        // someone published this number first
        if (command.ifMatch !== undefined) throw new ConfigVersionMismatchError(command.ifMatch, version);
        if (attempt >= PUBLISH_ATTEMPTS) throw new ConfigBusyError();
        // a little jitter, so the losers do not collide again in step
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  }

  /** The latest version. */
  async get(id: string, env: string, actor: Actor): Promise<ConfigVersionDto> {
    const application = await this.applications.owned(id, actor);
    const latest = await this.latest(application._id.toHexString(), env);
    if (!latest) throw new ConfigNotFoundError(env);
    return toDto(latest);
  }

  /** Versions newest first, without their values; `before` pages back. */
  async list(command: { id: string; env: string; limit?: number; before?: number }, actor: Actor): Promise<ConfigVersionPageDto> {
    const application = await this.applications.owned(command.id, actor);
    const limit = command.limit ?? PAGE_DEFAULT_LIMIT;
    const found = await this.versions
      .find({ applicationId: application._id.toHexString(), env: command.env, ...(command.before ? { version: { $lt: command.before } } : {}) })
      .select('version message author createdAt')
      .sort({ version: -1 })
      .limit(limit + 1)
      .lean<ConfigVersion[]>()
      .exec();
    const items = found.slice(0, limit).map(toSummary);
    return { items, nextBefore: found.length > limit ? (items.at(-1)?.version ?? null) : null };
  }

  async version(command: { id: string; env: string; version: number }, actor: Actor): Promise<ConfigVersionDto> {
    const application = await this.applications.owned(command.id, actor);
    return toDto(await this.find(application._id.toHexString(), command.env, command.version));
  }

  /** RFC 6902 JSON Patch from one version's values to another's. */
  async diff(command: { id: string; env: string; from: number; to: number }, actor: Actor): Promise<ConfigDiffDto> {
    const application = await this.applications.owned(command.id, actor);
    const applicationId = application._id.toHexString();
    const [from, to] = await Promise.all([this.find(applicationId, command.env, command.from), this.find(applicationId, command.env, command.to)]);
    const patch = compare(JSON.parse(from.valuesJson) as object, JSON.parse(to.valuesJson) as object) as JsonPatchOperationDto[];
    return { from: command.from, to: command.to, patch };
  }

  /** A new version whose values are an earlier one's. */
  async rollback(command: { id: string; env: string; version: number; message?: string }, actor: Actor, requestId?: string): Promise<ConfigVersionDto> {
    const application = await this.applications.owned(command.id, actor);
    const target = await this.find(application._id.toHexString(), command.env, command.version);
    return this.put(
      {
        id: command.id,
        env: command.env,
        values: JSON.parse(target.valuesJson) as Record<string, unknown>,
        message: command.message ?? `Roll back to version ${command.version}`,
      },
      actor,
      requestId,
    );
  }

  /** For releases: whether each environment has the version a release pins. */
  async missingVersions(applicationId: string, pins: Record<string, number>): Promise<string[]> {
    const missing: string[] = [];
    for (const [env, version] of Object.entries(pins)) {
      if (!(await this.versions.exists({ applicationId, env, version }))) missing.push(`${env}@${version}`);
    }
    return missing;
  }

  private latest(applicationId: string, env: string): Promise<ConfigVersion | null> {
    return this.versions.findOne({ applicationId, env }).sort({ version: -1 }).lean<ConfigVersion>().exec();
  }

  private async find(applicationId: string, env: string, version: number): Promise<ConfigVersion> {
    const found = await this.versions.findOne({ applicationId, env, version }).lean<ConfigVersion>().exec();
    if (!found) throw new ConfigVersionNotFoundError(env, version);
    return found;
  }
}

import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { type Actor, type CreateReleaseCommand, type Page, PAGE_DEFAULT_LIMIT, type ReleaseDto } from '@site11/contracts';
import { isDuplicateKey, KeysetPage } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { gt } from 'semver';
import { ApplicationsService } from '../applications/applications.service';
import { ConfigService } from '../config/config.service';
import { Release } from './release.schema';
import { pinProblems, ReleaseExistsError, ReleaseNotFoundError, ReleaseNotIncreasingError } from './releases.errors';

function toDto(release: Release): ReleaseDto {
  return {
    id: release._id.toHexString(),
    applicationId: release.applicationId,
    version: release.version,
    notes: release.notes ?? '',
    configVersions: release.configVersions,
    author: release.author,
    createdAt: release.createdAt.toISOString(),
  };
}

/**
 * Releases of an application: semantic versions, unique and increasing (semver precedence, so
 * 1.10.0 follows 1.9.0 and 2.0.0-rc.1 precedes 2.0.0), each pinning configuration versions that
 * exist. Immutable once made.
 */
@Injectable()
export class ReleasesService implements OnModuleInit {
  constructor(
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    private readonly applications: ApplicationsService,
    private readonly config: ConfigService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.releases.init();
  }

  async create(command: CreateReleaseCommand, actor: Actor): Promise<ReleaseDto> {
    const application = await this.applications.owned(command.id, actor);
    const applicationId = application._id.toHexString();
    const shape = pinProblems(command.configVersions);
    if (shape) throw shape;
    const missing = pinProblems(command.configVersions, await this.config.missingVersions(applicationId, command.configVersions));
    if (missing) throw missing;
    const latest = await this.releases.findOne({ applicationId }).sort({ _id: -1 }).lean<Release>().exec();
    if (latest?.version === command.version) throw new ReleaseExistsError(command.version);
    if (latest && !gt(command.version, latest.version)) throw new ReleaseNotIncreasingError(command.version, latest.version);
    try {
      const created = await this.releases.create({
        _id: new Types.ObjectId(),
        applicationId,
        version: command.version,
        notes: command.notes ?? '',
        configVersions: command.configVersions,
        author: actor.sub,
        createdAt: new Date(),
      });
      return toDto(created.toObject());
    } catch (error) {
      if (isDuplicateKey(error)) throw new ReleaseExistsError(command.version);
      throw error;
    }
  }

  /** Newest first. */
  async list(command: { id: string; limit?: number; cursor?: string }, actor: Actor): Promise<Page<ReleaseDto>> {
    const application = await this.applications.owned(command.id, actor);
    const page = new KeysetPage(command, PAGE_DEFAULT_LIMIT, 'desc');
    const found = await this.releases
      .find({ applicationId: application._id.toHexString(), ...page.filter })
      .sort({ _id: -1 })
      .limit(page.fetch)
      .lean<Release[]>()
      .exec();
    return page.page(found, toDto);
  }

  async get(command: { id: string; version: string }, actor: Actor): Promise<ReleaseDto> {
    const application = await this.applications.owned(command.id, actor);
    const found = await this.releases.findOne({ applicationId: application._id.toHexString(), version: command.version }).lean<Release>().exec();
    if (!found) throw new ReleaseNotFoundError(command.version);
    return toDto(found);
  }
}

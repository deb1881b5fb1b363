import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  type Actor,
  type ApplicationDto,
  ApplicationsEvents,
  APPLICATIONS_PAGE_DEFAULT_LIMIT,
  type ClientSecretDto,
  type CreateApplicationDto,
  isAdmin,
  type ListApplicationsQueryDto,
  type Page,
  type RegisteredApplicationDto,
  type RpcMetadata,
  type UpdateApplicationCommand,
} from '@site11/contracts';
import { forbidden, listedOwner } from '@site11/auth';
import { auditEvent, auditRecord, changeWithEvents, KeysetPage, LIVE, OutboxRelay, outboxEvent, prefixRange, pushOutbox, withOutbox } from '@site11/persistence';
import { Model, Types } from 'mongoose';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApplicationsConfig } from '../applications.config';
import { ConfigVersion } from '../config/config-version.schema';
import { Release } from '../releases/release.schema';
import { Application } from './application.schema';
import { type StoredApplication, toApplicationDto } from './application.mapper';
import { ApplicationNotFoundError, InvalidClientError, NoSecretError, registrationProblems } from './applications.errors';

/** Prefix of client secrets: a leaked one is recognisable (secret scanners, logs). */
export const CLIENT_SECRET_PREFIX = 's11cs_';

/** Client secrets are 256 random bits: a fast hash is enough (nothing to brute-force), unlike passwords. */
const hashOf = (secret: string) => createHash('sha256').update(secret).digest();
const newSecret = () => `${CLIENT_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
const sameHash = (hex: string | null, candidate: Buffer) => hex !== null && timingSafeEqual(Buffer.from(hex, 'hex'), candidate);

/** The fields a registration or a change may set, as stored. */
const EDITABLE = ['name', 'redirectUris', 'postLogoutRedirectUris', 'grantTypes', 'scopes', 'homepageUrl', 'logoUrl'] as const;

/**
 * Registered OAuth clients: registered by a signed-in user, who owns them; read, changed,
 * rotated and deleted by their owner or an admin; removed with their owner's account. Each change
 * and its event (`applications.created`, `.updated`, `.deleted`) are one write through the
 * outbox. oauth asks here which clients exist and whether a secret is right.
 */
@Injectable()
export class ApplicationsService implements OnModuleInit {
  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    @InjectModel(ConfigVersion.name) private readonly configVersions: Model<ConfigVersion>,
    @InjectModel(Release.name) private readonly releases: Model<Release>,
    private readonly outbox: OutboxRelay,
    private readonly config: ApplicationsConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.applications.init();
    this.outbox.watch(this.applications);
  }

  /** Registers an application of the caller; a confidential one gets its secret, returned this once. */
  async create(dto: CreateApplicationDto, actor: Actor, requestId = 'applications'): Promise<RegisteredApplicationDto> {
    const fields = {
      name: dto.name,
      redirectUris: dto.redirectUris,
      postLogoutRedirectUris: dto.postLogoutRedirectUris ?? [],
      grantTypes: dto.grantTypes,
      scopes: dto.scopes,
      homepageUrl: dto.homepageUrl ?? null,
      logoUrl: dto.logoUrl ?? null,
    };
    const problem = registrationProblems({ type: dto.type, ...fields });
    if (problem) throw problem;
    const _id = new Types.ObjectId();
    const clientId = randomBytes(16).toString('base64url');
    const clientSecret = dto.type === 'confidential' ? newSecret() : undefined;
    const now = new Date();
    const event = outboxEvent(ApplicationsEvents.created, { id: _id.toHexString(), ownerId: actor.sub, clientId, name: dto.name }, requestId);
    const created = await this.applications.create({
      _id,
      ownerId: actor.sub,
      clientId,
      type: dto.type,
      ...fields,
      nameLower: dto.name.toLowerCase(),
      secretHash: clientSecret ? hashOf(clientSecret).toString('hex') : null,
      secretIssuedAt: clientSecret ? now : null,
      ...withOutbox(event),
    });
    await this.outbox.publishOrDefer(this.applications, _id, [event]);
    return { ...toApplicationDto(created.toObject()), ...(clientSecret ? { clientSecret } : {}) };
  }

  /** One page: the caller's own; everyone's (`scope=all`) or one user's (`ownerId`) for admins; `q` a name prefix. */
  async list(query: ListApplicationsQueryDto, actor: Actor): Promise<Page<ApplicationDto>> {
    const ownerId = listedOwner(query, actor, 'applications');
    const page = new KeysetPage(query, APPLICATIONS_PAGE_DEFAULT_LIMIT);
    // one plain filter: FerretDB pushes it down to SQL, an $and it does not
    const filter = { ...LIVE, ...page.filter, ...(ownerId ? { ownerId } : {}), ...prefixRange('nameLower', query.q) };
    const found = await this.applications.find(filter).sort({ _id: 1 }).limit(page.fetch).lean<StoredApplication[]>().exec();
    return page.page(found, toApplicationDto);
  }

  async findById(id: string, actor: Actor): Promise<ApplicationDto> {
    return toApplicationDto(await this.owned(id, actor));
  }

  /** Changes what was registered (not the type), with its `applications.updated` event in the same update. */
  async update(command: UpdateApplicationCommand, actor: Actor, requestId = 'applications'): Promise<ApplicationDto> {
    const current = await this.owned(command.id, actor);
    const set: Record<string, unknown> = {};
    for (const field of EDITABLE) {
      if (command[field] !== undefined) set[field] = command[field];
    }
    const next = { ...current, ...set } as Application;
    const problem = registrationProblems(next);
    if (problem) throw problem;
    const changed = Object.keys(set);
    if (set['name'] !== undefined) set['nameLower'] = (set['name'] as string).toLowerCase();
    if (changed.length > 0) {
      const event = outboxEvent(ApplicationsEvents.updated, { id: command.id, ownerId: current.ownerId, clientId: current.clientId, changed }, requestId);
      const { matchedCount } = await this.applications.updateOne({ _id: current._id, ...LIVE }, pushOutbox(event, set), { runValidators: true }).exec();
      if (matchedCount === 0) throw new ApplicationNotFoundError(command.id);
      await this.outbox.publishOrDefer(this.applications, current._id);
    }
    return this.findById(command.id, actor);
  }

  /**
   * Issues a new client secret. The previous one keeps working for CLIENT_SECRET_GRACE_SECONDS
   * (a secret from before that is dropped: at most two are valid at once). Audited
   * (`applications.secret.rotated`) in the same update as the new secret.
   */
  async rotateSecret(id: string, actor: Actor, metadata: Pick<RpcMetadata, 'requestId' | 'client'> = { requestId: 'applications' }): Promise<ClientSecretDto> {
    const { requestId } = metadata;
    const application = await this.owned(id, actor);
    if (application.type !== 'confidential' || application.secretHash === null) throw new NoSecretError();
    const clientSecret = newSecret();
    const now = new Date();
    const grace = this.config.CLIENT_SECRET_GRACE_SECONDS;
    const previousSecretExpiresAt = grace > 0 ? new Date(now.getTime() + grace * 1000) : null;
    const event = outboxEvent(
      ApplicationsEvents.updated,
      { id, ownerId: application.ownerId, clientId: application.clientId, changed: ['clientSecret'] },
      requestId,
    );
    const audited = auditEvent(
      'applications',
      auditRecord(metadata, { actor: actor.sub, action: 'applications.secret.rotated', target: `application:${application.clientId}` }),
      requestId,
    );
    const { matchedCount } = await this.applications
      .updateOne(
        // only from the secret read: two rotations at once cannot both keep "the previous" one
        { _id: application._id, secretHash: application.secretHash, ...LIVE },
        changeWithEvents([event, audited], {
          secretHash: hashOf(clientSecret).toString('hex'),
          secretIssuedAt: now,
          previousSecretHash: previousSecretExpiresAt ? application.secretHash : null,
          previousSecretExpiresAt,
        }),
      )
      .exec();
    if (matchedCount === 0) throw new ApplicationNotFoundError(id);
    await this.outbox.publishOrDefer(this.applications, application._id);
    return { clientSecret, previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null };
  }

  /** Marks it deleted and records `applications.deleted` (oauth revokes its tokens) in one update. */
  async remove(id: string, actor: Actor, requestId = 'applications'): Promise<void> {
    const application = await this.owned(id, actor, { tombstone: true });
    await this.tombstone(application, requestId);
  }

  /** A deleted user's applications go with them, each as its owner's delete would. */
  async removeOwnedBy(ownerId: string, requestId = 'applications'): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.applications.find({ ownerId, ...LIVE }).select('_id ownerId clientId').limit(100).lean<Application[]>().exec();
      if (batch.length === 0) return removed;
      for (const application of batch) removed += await this.tombstone(application, requestId);
    }
  }

  /** oauth: the registered client (a deleted one is unknown). */
  async findClient(clientId: string): Promise<ApplicationDto> {
    const application = await this.applications.findOne({ clientId, ...LIVE }).lean<StoredApplication>().exec();
    if (!application) throw new InvalidClientError();
    return toApplicationDto(application);
  }

  /** oauth: the client, if `clientSecret` is its secret, or the previous one within its grace period. */
  async authenticateClient(clientId: string, clientSecret: string): Promise<ApplicationDto> {
    const application = await this.applications.findOne({ clientId, ...LIVE }).lean<Application>().exec();
    const candidate = hashOf(clientSecret);
    if (!application || application.type !== 'confidential') throw new InvalidClientError();
    const current = sameHash(application.secretHash, candidate);
    const previous =
      application.previousSecretExpiresAt !== null &&
      application.previousSecretExpiresAt.getTime() > Date.now() &&
      sameHash(application.previousSecretHash, candidate);
    if (!current && !previous) throw new InvalidClientError();
    return toApplicationDto(application);
  }

  /** The application, if the caller owns it or is an admin; a tombstone only when asked for. */
  async owned(id: string, actor: Actor, options: { tombstone?: boolean } = {}): Promise<Application> {
    const filter = { _id: new Types.ObjectId(id), ...(options.tombstone ? {} : LIVE) };
    const application = await this.applications.findOne(filter).lean<Application>().exec();
    if (!application) throw new ApplicationNotFoundError(id);
    if (application.ownerId !== actor.sub && !isAdmin(actor)) throw forbidden('This application belongs to someone else');
    return application;
  }

  /** Marks one application deleted with its event, then publishes; 1 if this call deleted it. */
  private async tombstone(application: Pick<Application, '_id' | 'ownerId' | 'clientId'>, requestId: string): Promise<number> {
    const { _id, ownerId, clientId } = application;
    const event = outboxEvent(ApplicationsEvents.deleted, { id: _id.toHexString(), ownerId, clientId }, requestId);
    const { modifiedCount } = await this.applications
      .updateOne({ _id, ...LIVE }, pushOutbox(event, { deletedAt: event.occurredAt, secretHash: null, previousSecretHash: null }))
      .exec();
    await this.outbox.publishOrDefer(this.applications, _id);
    // what belonged to it (a rerun after a crash finishes the job)
    const applicationId = _id.toHexString();
    await Promise.all([this.configVersions.deleteMany({ applicationId }).exec(), this.releases.deleteMany({ applicationId }).exec()]);
    return modifiedCount;
  }
}

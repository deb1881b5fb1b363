import type { Actor, CreateApplicationDto } from '@site11/contracts';
import type { OutboxRelay } from '@site11/persistence';
import { type Model, Types } from 'mongoose';
import { createHash } from 'node:crypto';
import { ApplicationsConfig } from '../applications.config';
import type { ConfigVersion } from '../config/config-version.schema';
import type { Release } from '../releases/release.schema';
import type { Application } from './application.schema';
import { ApplicationsService } from './applications.service';

/** A query that resolves to `result`, whatever is chained on it. */
function query(result: unknown) {
  const chain: Record<string, unknown> = { exec: async () => result };
  for (const step of ['sort', 'limit', 'lean', 'select']) chain[step] = () => chain;
  return chain;
}

const sha = (secret: string) => createHash('sha256').update(secret).digest('hex');

describe('ApplicationsService', () => {
  const owner: Actor = { sub: '0123456789abcdef01234567', roles: ['user'] };
  const someoneElse: Actor = { sub: '76543210fedcba9876543210', roles: ['user'] };
  const admin: Actor = { sub: 'aaaaaaaaaaaaaaaaaaaaaaaa', roles: ['user', 'admin'] };
  const now = new Date();
  const registration: CreateApplicationDto = {
    name: 'App',
    type: 'confidential',
    redirectUris: ['https://app.example.com/cb'],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    scopes: ['openid'],
  };
  const stored = {
    _id: new Types.ObjectId(),
    ownerId: owner.sub,
    clientId: 'client-1',
    name: 'App',
    type: 'confidential',
    redirectUris: ['https://app.example.com/cb'],
    postLogoutRedirectUris: [],
    grantTypes: ['authorization_code'],
    scopes: ['openid'],
    homepageUrl: null,
    logoUrl: null,
    secretHash: sha('current-secret'),
    secretIssuedAt: now,
    previousSecretHash: null as string | null,
    previousSecretExpiresAt: null as Date | null,
    createdAt: now,
    updatedAt: now,
  };
  let model: { create: jest.Mock; find: jest.Mock; findOne: jest.Mock; updateOne: jest.Mock };
  let outbox: { publishOrDefer: jest.Mock };
  let service: ApplicationsService;

  beforeEach(() => {
    model = {
      create: jest.fn(async (document) => ({ toObject: () => ({ ...document, createdAt: now, updatedAt: now }) })),
      find: jest.fn(() => query([stored])),
      findOne: jest.fn(() => query(stored)),
      updateOne: jest.fn(() => query({ matchedCount: 1, modifiedCount: 1 })),
    };
    outbox = { publishOrDefer: jest.fn() };
    const removable = { deleteMany: jest.fn(() => query({ deletedCount: 0 })) };
    service = new ApplicationsService(
      model as unknown as Model<Application>,
      removable as unknown as Model<ConfigVersion>,
      removable as unknown as Model<Release>,
      outbox as unknown as OutboxRelay,
      new ApplicationsConfig(),
    );
  });

  it('registers a confidential application with a random client id, storing only the hash of the secret it returns once', async () => {
    const created = await service.create(registration, owner, 'req-1');
    const [document] = model.create.mock.calls[0];
    expect(created.clientSecret).toMatch(/^s11cs_[A-Za-z0-9_-]{43}$/);
    expect(document.secretHash).toBe(sha(created.clientSecret as string));
    expect(JSON.stringify(document)).not.toContain(created.clientSecret);
    expect(created.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(document.outbox).toEqual([
      expect.objectContaining({ pattern: 'applications.created', requestId: 'req-1', data: expect.objectContaining({ clientId: created.clientId }) }),
    ]);
  });

  it('gives a public application no secret, and refuses it client_credentials as a validation error on grantTypes', async () => {
    const created = await service.create({ ...registration, type: 'public', grantTypes: ['authorization_code'] }, owner);
    expect(created.clientSecret).toBeUndefined();
    expect(model.create.mock.calls[0][0].secretHash).toBeNull();
    await expect(service.create({ ...registration, type: 'public' }, owner)).rejects.toMatchObject({
      code: 'VALIDATION',
      details: [expect.objectContaining({ field: 'grantTypes' })],
    });
  });

  it.each([
    ['its current secret', 'current-secret', {}, true],
    ['the previous secret within the grace period', 'old-secret', { previousSecretHash: sha('old-secret'), previousSecretExpiresAt: new Date(Date.now() + 60_000) }, true],
    ['the previous secret after the grace period', 'old-secret', { previousSecretHash: sha('old-secret'), previousSecretExpiresAt: new Date(Date.now() - 1) }, false],
    ['a wrong secret', 'guess', {}, false],
    ['a public client, whatever it sends', 'current-secret', { type: 'public' }, false],
  ])('authenticates a client presenting %s: %p', async (_case, secret, overrides, accepted) => {
    model.findOne.mockReturnValue(query({ ...stored, ...overrides }));
    const result = service.authenticateClient('client-1', secret);
    if (accepted) await expect(result).resolves.toMatchObject({ clientId: 'client-1' });
    else await expect(result).rejects.toMatchObject({ code: 'APPLICATIONS.INVALID_CLIENT' });
  });

  it('refuses an unknown client as it refuses a wrong secret', async () => {
    model.findOne.mockReturnValue(query(null));
    await expect(service.authenticateClient('nobody', 'x')).rejects.toMatchObject({ code: 'APPLICATIONS.INVALID_CLIENT' });
  });

  it('rotates a secret keeping the previous one for the grace period, only from the secret it read', async () => {
    const before = Date.now();
    const { clientSecret, previousSecretExpiresAt } = await service.rotateSecret(stored._id.toHexString(), owner, { requestId: 'req-2' });
    const [filter, update] = model.updateOne.mock.calls[0];
    expect(filter).toMatchObject({ _id: stored._id, secretHash: stored.secretHash });
    expect(update.$set).toMatchObject({ secretHash: sha(clientSecret), previousSecretHash: stored.secretHash });
    expect(Date.parse(previousSecretExpiresAt as string) - before).toBeGreaterThanOrEqual(24 * 3600 * 1000 - 1000);
    expect(JSON.stringify(update)).toContain('"changed":["clientSecret"]');
  });

  it('writes the rotation’s audit record, with the caller’s address and user agent, in the same update as the new secret', async () => {
    const client = { ip: '203.0.113.7', userAgent: 'audit-test/1.0' };
    await service.rotateSecret(stored._id.toHexString(), owner, { requestId: 'req-3', client });
    const [, update] = model.updateOne.mock.calls[0];
    expect(update.$push.outbox.$each).toEqual([
      expect.objectContaining({ pattern: 'applications.updated' }),
      expect.objectContaining({
        pattern: 'applications.audit.recorded',
        requestId: 'req-3',
        data: {
          at: expect.any(String),
          actor: owner.sub,
          action: 'applications.secret.rotated',
          target: `application:${stored.clientId}`,
          ip: client.ip,
          userAgent: client.userAgent,
          requestId: 'req-3',
          outcome: 'success',
        },
      }),
    ]);
  });

  it('lets only its owner or an admin read, change, rotate or delete an application', async () => {
    const id = stored._id.toHexString();
    await expect(service.findById(id, someoneElse)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await expect(service.rotateSecret(id, someoneElse)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await expect(service.remove(id, someoneElse)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await expect(service.findById(id, admin)).resolves.toMatchObject({ id });
    expect(model.updateOne).not.toHaveBeenCalled();
  });

  it.each([
    ['the caller’s own by default', owner, {}, { ownerId: owner.sub }],
    ['everyone’s with scope=all, for an admin', admin, { scope: 'all' as const }, {}],
    ['those whose name starts with q, in any case', owner, { q: 'AbC' }, { ownerId: owner.sub, nameLower: { $gte: 'abc', $lt: 'abc\uffff' } }],
  ])('lists %s', async (_case, actor, listQuery, expected) => {
    await service.list(listQuery, actor);
    expect(model.find.mock.calls[0][0]).toEqual({ deletedAt: { $exists: false }, ...expected });
  });
});

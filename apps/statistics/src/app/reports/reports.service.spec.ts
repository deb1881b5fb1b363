import type { Actor } from '@site11/contracts';
import type { OutboxRelay } from '@site11/persistence';
import { type Model, Types } from 'mongoose';
import type { Report } from './report.schema';
import { ReportsService } from './reports.service';

/** A query that resolves to `result`, whatever is chained on it. */
function query(result: unknown) {
  const chain: Record<string, unknown> = { exec: async () => result };
  for (const step of ['sort', 'limit', 'lean', 'select']) chain[step] = () => chain;
  return chain;
}

describe('ReportsService', () => {
  const owner: Actor = { sub: '0123456789abcdef01234567', roles: ['user'] };
  const someoneElse: Actor = { sub: '76543210fedcba9876543210', roles: ['user'] };
  const admin: Actor = { sub: 'aaaaaaaaaaaaaaaaaaaaaaaa', roles: ['user', 'admin'] };
  const now = new Date();
  const stored = { _id: new Types.ObjectId(), ownerId: owner.sub, name: 'n', description: '', createdAt: now, updatedAt: now };
  let model: { create: jest.Mock; find: jest.Mock; findOne: jest.Mock; updateOne: jest.Mock };
  let outbox: { publishOrDefer: jest.Mock };
  let service: ReportsService;

  beforeEach(() => {
    model = {
      create: jest.fn(async (document) => ({ toObject: () => ({ ...document, createdAt: now, updatedAt: now }) })),
      find: jest.fn(() => query([stored])),
      findOne: jest.fn(() => query(stored)),
      updateOne: jest.fn(() => query({ matchedCount: 1, modifiedCount: 1 })),
    };
    outbox = { publishOrDefer: jest.fn() };
    service = new ReportsService(model as unknown as Model<Report>, outbox as unknown as OutboxRelay);
  });

  it('creates a report of the caller and its created event, carrying the request id, in one insert', async () => {
    await expect(service.create({ name: 'n' }, owner, 'req-1')).resolves.toMatchObject({ ownerId: owner.sub, name: 'n' });
    const [document] = model.create.mock.calls[0];
    expect(document.outbox).toEqual([
      expect.objectContaining({ pattern: 'statistics.report.created', requestId: 'req-1', data: expect.objectContaining({ ownerId: owner.sub }) }),
    ]);
    expect(outbox.publishOrDefer).toHaveBeenCalledWith(model, document._id, document.outbox);
  });

  it('keeps the lower-cased name for search, on create and on rename, without reporting it as a change', async () => {
    await service.create({ name: 'Mixed Case' }, owner);
    expect(model.create.mock.calls[0][0]).toMatchObject({ name: 'Mixed Case', nameLower: 'mixed case' });

    await service.update({ id: stored._id.toHexString(), name: 'New NAME' }, owner, 'req-2');
    const [, update] = model.updateOne.mock.calls[0];
    expect(update.$set).toMatchObject({ name: 'New NAME', nameLower: 'new name' });
    expect(JSON.stringify(update)).toContain('"changed":["name"]');
  });

  it.each([
    ['the caller’s own by default', owner, {}, { ownerId: owner.sub }],
    ['everyone’s with scope=all, for an admin', admin, { scope: 'all' as const }, {}],
    ['one user’s with ownerId, for an admin', admin, { ownerId: someoneElse.sub }, { ownerId: someoneElse.sub }],
    ['those whose name starts with q, in any case', owner, { q: 'AbC' }, { ownerId: owner.sub, nameLower: { $gte: 'abc', $lt: 'abc\uffff' } }],
  ])('lists %s', async (_case, actor, listQuery, expected) => {
    await service.list(listQuery, actor);
    const [filter] = model.find.mock.calls[0];
    expect(filter).toEqual({ deletedAt: { $exists: false }, ...expected });
  });

  it.each([{ scope: 'all' as const }, { ownerId: someoneElse.sub }])('refuses %p to a user who is not an admin', async (listQuery) => {
    await expect(service.list(listQuery, owner)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    expect(model.find).not.toHaveBeenCalled();
  });

  it('lets only its owner or an admin read, change or delete a report', async () => {
    const id = stored._id.toHexString();
    await expect(service.findById(id, someoneElse)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await expect(service.update({ id, name: 'x' }, someoneElse)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await expect(service.remove(id, someoneElse)).rejects.toMatchObject({ code: 'AUTH.FORBIDDEN' });
    expect(model.updateOne).not.toHaveBeenCalled();
    for (const allowed of [owner, admin]) {
      await expect(service.findById(id, allowed)).resolves.toMatchObject({ id, ownerId: owner.sub });
      await expect(service.update({ id, name: 'x' }, allowed)).resolves.toMatchObject({ id, ownerId: owner.sub });
      await expect(service.remove(id, allowed)).resolves.toBeUndefined();
    }
    // per allowed caller: the change, then the deletion
    expect(model.updateOne).toHaveBeenCalledTimes(4);
  });

  it('removes a deleted user’s reports with an event each, until none is left', async () => {
    model.find.mockReturnValueOnce(query([{ _id: stored._id }])).mockReturnValueOnce(query([]));
    await expect(service.removeOwnedBy(owner.sub, 'req-1')).resolves.toBe(1);
    const [filter, update] = model.updateOne.mock.calls[0];
    expect(filter).toEqual({ _id: stored._id, deletedAt: { $exists: false } });
    expect(update.$push.outbox).toMatchObject({ pattern: 'statistics.report.deleted', data: { id: stored._id.toHexString(), ownerId: owner.sub } });
    expect(outbox.publishOrDefer).toHaveBeenCalledTimes(1);
  });
});

import { Test } from '@nestjs/testing';
import { RPC_ACCESS } from '@site11/auth';
import type { RpcMetadata } from '@site11/contracts';
import { ReportsMessageController } from './reports.message.controller';
import { ReportsService } from './reports.service';

describe('ReportsMessageController', () => {
  const actor = { sub: '0123456789abcdef01234567', roles: ['user' as const] };
  const metadata: RpcMetadata = { requestId: 'req-1', caller: 'console-gateway', deadline: Date.now() + 1000 };
  let service: { create: jest.Mock; remove: jest.Mock; removeOwnedBy: jest.Mock };
  let controller: ReportsMessageController;

  beforeEach(async () => {
    service = {
      create: jest.fn(async (dto) => ({ id: 'x', ownerId: actor.sub, ...dto })),
      remove: jest.fn(),
      removeOwnedBy: jest.fn(async () => 2),
    };
    const moduleRef = await Test.createTestingModule({
      controllers: [ReportsMessageController],
      providers: [{ provide: ReportsService, useValue: service }],
    }).compile();
    controller = moduleRef.get(ReportsMessageController);
  });

  it('creates a report for the verified caller, handing the service the request id for its event', async () => {
    await expect(controller.create({ name: 'n' }, actor, metadata)).resolves.toMatchObject({ ownerId: actor.sub });
    expect(service.create).toHaveBeenCalledWith({ name: 'n' }, actor, 'req-1');
  });

  it('answers a deletion with null, so the caller gets an empty reply', async () => {
    await expect(controller.remove({ id: '0123456789abcdef01234567' }, actor, metadata)).resolves.toBeNull();
  });

  it('removes the reports of a deleted user', async () => {
    await controller.onUserDeleted({ id: actor.sub }, metadata);
    expect(service.removeOwnedBy).toHaveBeenCalledWith(actor.sub, 'req-1');
  });

  it('lets signed-in users call every command; whose report it is, the service decides', () => {
    for (const handler of ['create', 'list', 'findById', 'update', 'remove'] as const) {
      expect(Reflect.getMetadata(RPC_ACCESS, ReportsMessageController.prototype[handler])).toEqual({ actor: 'user' });
    }
  });
});

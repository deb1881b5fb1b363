import { Test } from '@nestjs/testing';
import { RPC_ACCESS } from '@site11/auth';
import type { RpcMetadata } from '@site11/contracts';
import { EntriesMessageController } from './entries.message.controller';
import { EntriesService } from './entries.service';

describe('EntriesMessageController', () => {
  const actor = { sub: '0123456789abcdef01234567', roles: ['user' as const] };
  const metadata: RpcMetadata = { requestId: 'req-1', caller: 'console-gateway', deadline: Date.now() + 1000 };
  let service: { create: jest.Mock; remove: jest.Mock; removeOwnedBy: jest.Mock };
  let controller: EntriesMessageController;

  beforeEach(async () => {
    service = {
      create: jest.fn(async (dto) => ({ id: 'x', ownerId: actor.sub, ...dto })),
      remove: jest.fn(),
      removeOwnedBy: jest.fn(async () => 2),
    };
    const moduleRef = await Test.createTestingModule({
      controllers: [EntriesMessageController],
      providers: [{ provide: EntriesService, useValue: service }],
    }).compile();
    controller = moduleRef.get(EntriesMessageController);
  });

  it('creates an entry for the verified caller, handing the service the request id for its event', async () => {
    await expect(controller.create({ name: 'n' }, actor, metadata)).resolves.toMatchObject({ ownerId: actor.sub });
    expect(service.create).toHaveBeenCalledWith({ name: 'n' }, actor, 'req-1');
  });

  it('answers a deletion with null, so the caller gets an empty reply', async () => {
    await expect(controller.remove({ id: '0123456789abcdef01234567' }, actor, metadata)).resolves.toBeNull();
  });

  it('removes the entries of a deleted user', async () => {
    await controller.onUserDeleted({ id: actor.sub }, metadata);
    expect(service.removeOwnedBy).toHaveBeenCalledWith(actor.sub, 'req-1');
  });

  it('lets signed-in users call every command; whose entry it is, the service decides', () => {
    for (const handler of ['create', 'list', 'findById', 'update', 'remove'] as const) {
      expect(Reflect.getMetadata(RPC_ACCESS, EntriesMessageController.prototype[handler])).toEqual({ actor: 'user' });
    }
  });
});

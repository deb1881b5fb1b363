import { Test } from '@nestjs/testing';
import { RPC_ACCESS } from '@site11/auth';
import type { RpcMetadata } from '@site11/contracts';
import { ApplicationsMessageController } from './applications.message.controller';
import { ApplicationsService } from './applications.service';

describe('ApplicationsMessageController', () => {
  const actor = { sub: '0123456789abcdef01234567', roles: ['user' as const] };
  const metadata: RpcMetadata = { requestId: 'req-1', caller: 'console-gateway', deadline: Date.now() + 1000 };
  let service: { create: jest.Mock; remove: jest.Mock; removeOwnedBy: jest.Mock };
  let controller: ApplicationsMessageController;

  beforeEach(async () => {
    service = {
      create: jest.fn(async (dto) => ({ id: 'x', ownerId: actor.sub, ...dto })),
      remove: jest.fn(),
      removeOwnedBy: jest.fn(async () => 2),
    };
    const moduleRef = await Test.createTestingModule({
      controllers: [ApplicationsMessageController],
      providers: [{ provide: ApplicationsService, useValue: service }],
    }).compile();
    controller = moduleRef.get(ApplicationsMessageController);
  });

  it('creates an application for the verified caller, handing the service the request id for its event', async () => {
    const dto = { name: 'n', type: 'public' as const, redirectUris: ['https://a.example/cb'], grantTypes: ['authorization_code' as const], scopes: [] };
    await expect(controller.create(dto, actor, metadata)).resolves.toMatchObject({ ownerId: actor.sub });
    expect(service.create).toHaveBeenCalledWith(dto, actor, 'req-1');
  });

  it('answers a deletion with null, so the caller gets an empty reply', async () => {
    await expect(controller.remove({ id: '0123456789abcdef01234567' }, actor, metadata)).resolves.toBeNull();
  });

  it('removes the applications of a deleted user', async () => {
    await controller.onUserDeleted({ id: actor.sub }, metadata);
    expect(service.removeOwnedBy).toHaveBeenCalledWith(actor.sub, 'req-1');
  });

  it('lets signed-in users call every command; whose application it is, the service decides', () => {
    for (const handler of ['create', 'list', 'findById', 'update', 'remove', 'rotateSecret'] as const) {
      expect(Reflect.getMetadata(RPC_ACCESS, ApplicationsMessageController.prototype[handler])).toEqual({ actor: 'user' });
    }
  });

  it('answers questions about clients and their secrets to the authorization server only', () => {
    for (const handler of ['findClient', 'authenticateClient'] as const) {
      expect(Reflect.getMetadata(RPC_ACCESS, ApplicationsMessageController.prototype[handler])).toEqual({ services: ['oauth'] });
    }
  });
});

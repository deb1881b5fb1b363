import { Test } from '@nestjs/testing';
import { RPC_ACCESS } from '@site11/auth';
import type { RpcMetadata } from '@site11/contracts';
import { DatasetsMessageController } from './datasets.message.controller';
import { ImportsService } from '../imports/imports.service';
import { RowsService } from '../rows/rows.service';
import { TransformService } from '../transform/transform.service';
import { DatasetsService } from './datasets.service';

describe('DatasetsMessageController', () => {
  const actor = { sub: '0123456789abcdef01234567', roles: ['user' as const] };
  const metadata: RpcMetadata = { requestId: 'req-1', caller: 'console-gateway', deadline: Date.now() + 1000 };
  let service: { create: jest.Mock; remove: jest.Mock; removeOwnedBy: jest.Mock };
  let imports: { removeForDataset: jest.Mock };
  let controller: DatasetsMessageController;

  beforeEach(async () => {
    imports = { removeForDataset: jest.fn() };
    service = {
      create: jest.fn(async (dto) => ({ id: 'x', ownerId: actor.sub, ...dto })),
      remove: jest.fn(),
      removeOwnedBy: jest.fn(async () => 2),
    };
    const moduleRef = await Test.createTestingModule({
      controllers: [DatasetsMessageController],
      providers: [
        { provide: DatasetsService, useValue: service },
        { provide: ImportsService, useValue: imports },
        { provide: RowsService, useValue: {} },
        { provide: TransformService, useValue: {} },
      ],
    }).compile();
    controller = moduleRef.get(DatasetsMessageController);
  });

  it('creates a dataset for the verified caller, handing the service the request id for its event', async () => {
    await expect(controller.create({ name: 'n' }, actor, metadata)).resolves.toMatchObject({ ownerId: actor.sub });
    expect(service.create).toHaveBeenCalledWith({ name: 'n' }, actor, 'req-1');
  });

  it('answers a deletion with null, so the caller gets an empty reply, and removes the dataset’s import jobs', async () => {
    await expect(controller.remove({ id: '0123456789abcdef01234567' }, actor, metadata)).resolves.toBeNull();
    expect(imports.removeForDataset).toHaveBeenCalledWith('0123456789abcdef01234567');
  });

  it('removes the datasets of a deleted user', async () => {
    await controller.onUserDeleted({ id: actor.sub }, metadata);
    expect(service.removeOwnedBy).toHaveBeenCalledWith(actor.sub, 'req-1', expect.any(Function));
  });

  it('lets signed-in users call every command; whose dataset it is, the service decides', () => {
    for (const handler of ['create', 'list', 'findById', 'update', 'remove', 'replaceSchema', 'listVersions', 'rollback', 'findImport', 'listImports', 'queryRows', 'findRow', 'updateRow', 'removeRow', 'aggregate', 'previewTransform', 'applyTransform'] as const) {
      expect(Reflect.getMetadata(RPC_ACCESS, DatasetsMessageController.prototype[handler])).toEqual({ actor: 'user' });
    }
  });
});

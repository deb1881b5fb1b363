import { Test } from '@nestjs/testing';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { RPC_ACCESS } from '@site11/auth';
import { AuditPatterns } from '@site11/contracts';
import type { StreamsContext } from '@site11/messaging';
import { EntriesAppender } from './entries-appender';
import { EntriesMessageController } from './entries.message.controller';
import { EntriesService } from './entries.service';

describe('EntriesMessageController', () => {
  const context = {
    getStream: () => 'evt:{oauth}:oauth.audit.recorded',
    getMessageId: () => '1700000000000-0',
  } as unknown as StreamsContext;
  let appender: { append: jest.Mock };
  let controller: EntriesMessageController;

  beforeEach(async () => {
    appender = { append: jest.fn(async () => 'appended') };
    const moduleRef = await Test.createTestingModule({
      controllers: [EntriesMessageController],
      providers: [
        { provide: EntriesAppender, useValue: appender },
        { provide: EntriesService, useValue: {} },
      ],
    }).compile();
    controller = moduleRef.get(EntriesMessageController);
  });

  it('appends every producer’s audit stream, and offers no pattern that changes or removes an entry', () => {
    expect(Reflect.getMetadata(PATTERN_METADATA, EntriesMessageController.prototype.onRecorded)).toEqual([
      'users.audit.recorded',
      'oauth.audit.recorded',
      'applications.audit.recorded',
      'console-gateway.audit.recorded',
    ]);
    expect(Object.values(AuditPatterns).sort()).toEqual(['audit.entries.list', 'audit.entries.list-mine', 'audit.entries.verify']);
  });

  it('appends a record under its event id, or under its stream entry when it came without one', async () => {
    await controller.onRecorded({ data: { a: 1 }, metadata: { eventId: 'evt-1' } }, context);
    await controller.onRecorded({ data: { a: 2 }, metadata: {} }, context);
    expect(appender.append.mock.calls).toEqual([
      [{ a: 1 }, 'evt-1'],
      [{ a: 2 }, 'evt:{oauth}:oauth.audit.recorded/1700000000000-0'],
    ]);
  });

  it('refuses a record of an action its stream’s producer does not perform: the gateway writing a sign-in', async () => {
    const fromGateway = {
      getPattern: () => 'console-gateway.audit.recorded',
      getStream: () => 'evt:{console-gateway}:console-gateway.audit.recorded',
      getMessageId: () => '1700000000001-0',
    } as unknown as StreamsContext;
    await controller.onRecorded({ data: { action: 'auth.login.succeeded' }, metadata: { eventId: 'forged' } }, fromGateway);
    await controller.onRecorded({ data: { action: 'users.profile.read' }, metadata: { eventId: 'read' } }, fromGateway);
    expect(appender.append.mock.calls).toEqual([[{ action: 'users.profile.read' }, 'read']]);
  });

  it('lets admins list and verify the log, and any signed-in user read their own activity', () => {
    const access = (handler: 'list' | 'verify' | 'listMine') =>
      Reflect.getMetadata(RPC_ACCESS, EntriesMessageController.prototype[handler]);
    expect({
      list: access('list'),
      verify: access('verify'),
      listMine: access('listMine'),
    }).toEqual({
      list: { actor: 'admin' },
      verify: { actor: 'admin' },
      listMine: { actor: 'user' },
    });
  });
});

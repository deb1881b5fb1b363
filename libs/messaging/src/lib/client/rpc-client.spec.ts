import { Test } from '@nestjs/testing';
import type { ClientProxy } from '@nestjs/microservices';
import { DomainError, ENVELOPE_VERSION, ErrorKind, type RpcEnvelope } from '@site11/contracts';
import { NEVER, Observable, of, throwError } from 'rxjs';
import { MESSAGING_OPTIONS } from '../messaging.options';
import { NoResponderError } from './no-responder.error';
import { RpcClient, TRANSPORT_CLIENT } from './rpc-client';

describe('RpcClient', () => {
  let transport: { send: jest.Mock; close: jest.Mock };
  let client: RpcClient;

  beforeEach(async () => {
    transport = { send: jest.fn(), close: jest.fn() };
    const moduleRef = await Test.createTestingModule({
      providers: [
        RpcClient,
        { provide: TRANSPORT_CLIENT, useValue: transport as unknown as ClientProxy },
        { provide: MESSAGING_OPTIONS, useValue: { redisUrl: 'redis://x', caller: 'gateway', defaultDeadlineMs: 80 } },
      ],
    }).compile();
    client = moduleRef.get(RpcClient);
  });

  it('sends the payload in an envelope with request id, caller and absolute deadline', async () => {
    transport.send.mockReturnValue(of({ ok: true }));
    const before = Date.now();

    await expect(client.send('users.find-by-id', { id: '1' }, { requestId: 'req-1', deadlineMs: 1000 })).resolves.toEqual({
      ok: true,
    });

    const [pattern, envelope] = transport.send.mock.calls[0] as [string, RpcEnvelope];
    expect(pattern).toBe('users.find-by-id');
    expect(envelope.data).toEqual({ id: '1' });
    expect(envelope.metadata).toMatchObject({ v: ENVELOPE_VERSION, requestId: 'req-1', caller: 'gateway' });
    expect(envelope.metadata.deadline).toBeGreaterThanOrEqual(before + 1000);
    expect(envelope.metadata.deadline).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('emits an event in an envelope with the envelope version, request id, caller and time', async () => {
    const emit = jest.fn(() => of(undefined));
    (transport as unknown as { emit: jest.Mock }).emit = emit;
    await client.emit('users.deleted', { id: '1' }, { requestId: 'req-2', eventId: 'e-1' });
    const [pattern, envelope] = emit.mock.calls[0] as unknown as [string, { data: unknown; metadata: Record<string, unknown> }];
    expect(pattern).toBe('users.deleted');
    expect(envelope).toEqual({
      data: { id: '1' },
      metadata: { v: ENVELOPE_VERSION, requestId: 'req-2', eventId: 'e-1', caller: 'gateway', occurredAt: expect.any(String) },
    });
  });

  it('resolves to undefined when the service replies with nothing', async () => {
    transport.send.mockReturnValue(of());
    await expect(client.send('users.remove', { id: '1' }, { requestId: 'r' })).resolves.toBeUndefined();
  });

  it('gives up at the default deadline with UPSTREAM_TIMEOUT', async () => {
    transport.send.mockReturnValue(NEVER);
    const started = Date.now();
    await expect(client.send('users.list', {}, { requestId: 'r' })).rejects.toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      kind: ErrorKind.DeadlineExceeded,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('rethrows a service error with its code and details', async () => {
    const wire = { code: 'USERS.EMAIL_TAKEN', kind: ErrorKind.AlreadyExists, message: 'taken', details: { a: 1 } };
    transport.send.mockReturnValue(throwError(() => wire));
    const error = await client.send('users.create', {}, { requestId: 'r' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject(wire);
  });

  it.each([
    ['no instance listening', new NoResponderError('users.create')],
    ['a lost connection', 'Error: Connection lost. Trying to reconnect...'],
    ['a broker error', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['an unknown pattern', { status: 'error', message: 'There is no matching message handler defined in the remote service.' }],
  ])('maps %s to SERVICE_UNAVAILABLE', async (_case, failure) => {
    transport.send.mockReturnValue(throwError(() => failure));
    await expect(client.send('users.create', {}, { requestId: 'r' })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      kind: ErrorKind.Unavailable,
    });
  });
  describe('when the service answers that it is unavailable slowly (its database is down)', () => {
    const unavailable = { code: 'SERVICE_UNAVAILABLE', kind: ErrorKind.Unavailable, message: 'The users_db database is not available' };
    const answerAfter = (ms: number) => new Observable((subscriber) => {
      const timer = setTimeout(() => subscriber.error(unavailable), ms);
      return () => clearTimeout(timer);
    });

    it('does not retry when the deadline leaves less room than the failed attempt took, and reports 503 rather than a timeout', async () => {
      transport.send.mockImplementation(() => answerAfter(300));
      const error = await client.send('users.find-by-id', { id: '1' }, { requestId: 'r', deadlineMs: 560, idempotent: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(transport.send).toHaveBeenCalledTimes(1);
    });

    it('reports the first attempt’s SERVICE_UNAVAILABLE when the retry runs out of time', async () => {
      transport.send.mockImplementationOnce(() => answerAfter(100)).mockImplementation(() => NEVER);
      const error = await client.send('users.find-by-id', { id: '1' }, { requestId: 'r', deadlineMs: 500, idempotent: true }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(transport.send).toHaveBeenCalledTimes(2);
    });
  });
});

import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { DomainError } from '@site11/contracts';
import { lastValueFrom, of } from 'rxjs';
import { RpcEnvelopeInterceptor } from './rpc-envelope.interceptor';

function rpcContext(payload: unknown): ExecutionContext {
  return {
    getType: () => 'rpc',
    getHandler: () => () => undefined,
    switchToRpc: () => ({ getData: () => payload, getContext: () => ({}) }),
  } as unknown as ExecutionContext;
}

describe('RpcEnvelopeInterceptor', () => {
  const interceptor = new RpcEnvelopeInterceptor();
  const next: CallHandler = { handle: jest.fn(() => of('done')) };
  const metadata = (deadline: number) => ({ requestId: 'r', caller: 'gateway', deadline });

  it('runs the handler while the deadline has not passed', async () => {
    const result = interceptor.intercept(rpcContext({ data: {}, metadata: metadata(Date.now() + 1000) }), next);
    await expect(lastValueFrom(result)).resolves.toBe('done');
  });

  it('drops a request whose deadline has passed, with DEADLINE_EXCEEDED', () => {
    expect(() => interceptor.intercept(rpcContext({ data: {}, metadata: metadata(Date.now() - 1) }), next)).toThrow(
      expect.objectContaining({ code: 'DEADLINE_EXCEEDED' }),
    );
  });

  it.each([
    ['a bare payload', { email: 'a@b.co' }],
    ['an envelope without metadata', { data: {} }],
    ['a string', 'hello'],
  ])('rejects %s as a malformed envelope', (_case, payload) => {
    expect(() => interceptor.intercept(rpcContext(payload), next)).toThrow(DomainError);
  });

  describe('envelope versions', () => {
    const versioned = (v: unknown) => ({ data: {}, metadata: { ...metadata(Date.now() + 1000), v } });

    it.each([
      ['without a version (a release before versions: 1)', undefined],
      ['of this release', 1],
      ['of the next release', 2],
    ])('reads an envelope %s', async (_case, v) => {
      await expect(lastValueFrom(interceptor.intercept(rpcContext(versioned(v)), next))).resolves.toBe('done');
    });

    it.each([
      ['two releases ahead', 3],
      ['zero', 0],
      ['not a whole number', 1.5],
      ['a string', '1'],
    ])('refuses an envelope version %s with UNSUPPORTED_MESSAGE_VERSION', (_case, v) => {
      expect(() => interceptor.intercept(rpcContext(versioned(v)), next)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MESSAGE_VERSION' }));
    });
  });
});

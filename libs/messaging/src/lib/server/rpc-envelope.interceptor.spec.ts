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
});

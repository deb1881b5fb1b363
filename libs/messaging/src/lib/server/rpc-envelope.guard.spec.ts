import type { ExecutionContext } from '@nestjs/common';
import { DomainError } from '@site11/contracts';
import { RpcEnvelopeGuard } from './rpc-envelope.guard';

function rpcContext(payload: unknown): ExecutionContext {
  return {
    getType: () => 'rpc',
    getHandler: () => () => undefined,
    switchToRpc: () => ({ getData: () => payload, getContext: () => ({}) }),
  } as unknown as ExecutionContext;
}

describe('RpcEnvelopeGuard', () => {
  const guard = new RpcEnvelopeGuard();
  const metadata = (deadline: number) => ({ requestId: 'r', caller: 'gateway', deadline });

  it('runs the handler while the deadline has not passed', () => {
    expect(guard.canActivate(rpcContext({ data: {}, metadata: metadata(Date.now() + 1000) }))).toBe(true);
  });

  it('drops a request whose deadline has passed, with DEADLINE_EXCEEDED', () => {
    expect(() => guard.canActivate(rpcContext({ data: {}, metadata: metadata(Date.now() - 1) }))).toThrow(
      expect.objectContaining({ code: 'DEADLINE_EXCEEDED' }),
    );
  });

  it.each([
    ['a bare payload', { email: 'a@b.co' }],
    ['an envelope without metadata', { data: {} }],
    ['a string', 'hello'],
  ])('rejects %s as a malformed envelope', (_case, payload) => {
    expect(() => guard.canActivate(rpcContext(payload))).toThrow(DomainError);
  });

  it('lets HTTP requests (health) through', () => {
    expect(guard.canActivate({ getType: () => 'http' } as unknown as ExecutionContext)).toBe(true);
  });

  describe('envelope versions', () => {
    const versioned = (v: unknown) => ({ data: {}, metadata: { ...metadata(Date.now() + 1000), v } });

    it.each([
      ['without a version (a release before versions: 1)', undefined],
      ['of this release', 1],
      ['of the next release', 2],
    ])('reads an envelope %s', (_case, v) => {
      expect(guard.canActivate(rpcContext(versioned(v)))).toBe(true);
    });

    it.each([
      ['two releases ahead', 3],
      ['zero', 0],
      ['not a whole number', 1.5],
      ['a string', '1'],
    ])('refuses an envelope version %s with UNSUPPORTED_MESSAGE_VERSION', (_case, v) => {
      expect(() => guard.canActivate(rpcContext(versioned(v)))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_MESSAGE_VERSION' }));
    });
  });
});

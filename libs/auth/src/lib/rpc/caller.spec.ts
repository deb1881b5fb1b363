import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { AuthErrors, DomainError, ErrorKind } from '@site11/contracts';
import { actorOf, Caller } from './caller';
import type { VerifiedActor } from './credential-verifier';

const ALICE: VerifiedActor = { sub: '0123456789abcdef01234567', roles: ['user'], sid: 's-alice' };

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('nothing was thrown');
}

/** The function Nest calls to resolve a `@Caller()` parameter, as it finds it on a handler. */
function callerFactory(): (data: unknown, context: ExecutionContext) => unknown {
  class Handlers {
    handle(@Caller() _actor: VerifiedActor): void {
      return undefined;
    }
  }
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Handlers, 'handle') as Record<
    string,
    { factory: (data: unknown, context: ExecutionContext) => unknown }
  >;
  const [parameter] = Object.values(args);
  return parameter.factory;
}

function rpcContext(metadata: object): ExecutionContext {
  return {
    getType: () => 'rpc',
    switchToRpc: () => ({ getData: () => ({ data: {}, metadata }), getContext: () => ({}) }),
  } as unknown as ExecutionContext;
}

describe('actorOf', () => {
  it('returns the actor of the message when it has a subject', () => {
    expect(actorOf({ actor: ALICE })).toBe(ALICE);
  });

  it('refuses a message without an actor as unauthenticated', () => {
    const error = thrownBy(() => actorOf({}));

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'AUTH.UNAUTHENTICATED', kind: ErrorKind.Unauthenticated });
    expect((error as DomainError).code).toBe(AuthErrors.unauthenticated);
  });

  it('refuses an actor without a subject as unauthenticated', () => {
    expect(thrownBy(() => actorOf({ actor: { sub: '', roles: ['user'] } }))).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });
  });
});

describe('Caller', () => {
  it('gives the handler the verified actor of the message', () => {
    expect(callerFactory()(undefined, rpcContext({ requestId: 'r', actor: ALICE }))).toBe(ALICE);
  });

  it('refuses a message without an actor as unauthenticated', () => {
    expect(thrownBy(() => callerFactory()(undefined, rpcContext({ requestId: 'r' })))).toMatchObject({
      code: 'AUTH.UNAUTHENTICATED',
    });
  });
});

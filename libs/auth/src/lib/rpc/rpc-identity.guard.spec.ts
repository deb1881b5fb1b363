import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { DomainError } from '@site11/contracts';
import type { CredentialVerifier, VerifiedCredential } from './credential-verifier';
import { RPC_ACCESS, type RpcAccessPolicy } from './rpc-access';
import { RpcIdentityGuard } from './rpc-identity.guard';

const ALICE = '0123456789abcdef01234567';
const BOB = '89abcdef0123456789abcdef';
const credentials: Record<string, VerifiedCredential> = {
  alice: { kind: 'user', actor: { sub: ALICE, roles: ['user'], sid: 's-alice' } },
  admin: { kind: 'user', actor: { sub: BOB, roles: ['user', 'admin'] } },
  oauth: { kind: 'service', service: 'oauth' },
  images: { kind: 'service', service: 'images' },
};
const verifier = {
  verify: async (token: string) => {
    const found = credentials[token];
    if (!found) throw new DomainError('AUTH.INVALID_TOKEN', 'UNAUTHENTICATED' as never, 'bad');
    return found;
  },
} as unknown as CredentialVerifier;
const guard = new RpcIdentityGuard(new Reflector(), verifier, { service: 'users', issuer: 'site11', audience: 'site11-api' });

function handlerWith(policy?: RpcAccessPolicy, kind = PatternHandler.MESSAGE, pattern = 'users.x'): () => void {
  const handler = () => undefined;
  if (policy) Reflect.defineMetadata(RPC_ACCESS, policy, handler);
  Reflect.defineMetadata(PATTERN_HANDLER_METADATA, kind, handler);
  Reflect.defineMetadata(PATTERN_METADATA, [pattern], handler);
  return handler;
}

function contextFor(handler: () => void, envelope: object): ExecutionContext {
  return {
    getType: () => 'rpc',
    getHandler: () => handler,
    switchToRpc: () => ({ getData: () => envelope, getContext: () => ({}) }),
  } as unknown as ExecutionContext;
}

async function outcome(policy: RpcAccessPolicy | undefined, metadata: Record<string, unknown>, data: object = {}): Promise<string> {
  try {
    await guard.canActivate(contextFor(handlerWith(policy), { data, metadata: { requestId: 'r', deadline: 0, caller: 'x', ...metadata } }));
    return 'allowed';
  } catch (error) {
    return (error as DomainError).code;
  }
}

describe('RpcIdentityGuard', () => {
  it('refuses a handler without a policy to everyone, admins included', async () => {
    expect(await outcome(undefined, { credential: 'admin' })).toBe('AUTH.FORBIDDEN');
    expect(await outcome(undefined, {})).toBe('AUTH.FORBIDDEN');
  });

  it('lets events and the liveness ping through without a credential', async () => {
    const event = contextFor(handlerWith(undefined, PatternHandler.EVENT, 'oauth.something'), { data: {} });
    const ping = contextFor(handlerWith(undefined, PatternHandler.MESSAGE, 'users.ping'), { data: {} });
    await expect(guard.canActivate(event)).resolves.toBe(true);
    await expect(guard.canActivate(ping)).resolves.toBe(true);
  });

  it('replaces the actor the envelope claims with the one the token proves, and drops it without a token', async () => {
    const claimed = { sub: BOB, roles: ['admin'] };
    const withToken = { data: {}, metadata: { actor: claimed, credential: 'alice', service: 'oauth' } };
    await guard.canActivate(contextFor(handlerWith({ anyone: true }), withToken));
    expect(withToken.metadata).toMatchObject({ actor: { sub: ALICE, roles: ['user'] } });
    expect(withToken.metadata).not.toHaveProperty('service');
    const without = { data: {}, metadata: { actor: claimed } };
    await guard.canActivate(contextFor(handlerWith({ anyone: true }), without));
    expect(without.metadata).not.toHaveProperty('actor');
  });

  it('tells self from self-or-admin by the payload field the policy names', async () => {
    expect(await outcome({ actor: 'self' }, { credential: 'alice' }, { id: ALICE })).toBe('allowed');
    expect(await outcome({ actor: 'self' }, { credential: 'admin' }, { id: ALICE })).toBe('AUTH.FORBIDDEN');
    expect(await outcome({ actor: 'self-or-admin' }, { credential: 'admin' }, { id: ALICE })).toBe('allowed');
    expect(await outcome({ actor: 'self-or-admin' }, { credential: 'alice' }, { id: BOB })).toBe('AUTH.FORBIDDEN');
    expect(await outcome({ actor: 'self', field: 'ownerId' }, { credential: 'alice' }, { id: BOB, ownerId: ALICE })).toBe('allowed');
  });

  it('admits only the services a policy names, and no service where only users are admitted', async () => {
    expect(await outcome({ services: ['oauth'] }, { credential: 'oauth' })).toBe('allowed');
    expect(await outcome({ services: ['oauth'] }, { credential: 'images' })).toBe('AUTH.FORBIDDEN');
    expect(await outcome({ actor: 'user' }, { credential: 'oauth' })).toBe('AUTH.FORBIDDEN');
    expect(await outcome({ services: ['oauth'] }, { credential: 'alice' })).toBe('AUTH.FORBIDDEN');
  });

  it('answers unauthenticated without a credential, and refuses a bad one', async () => {
    expect(await outcome({ actor: 'user' }, {})).toBe('AUTH.UNAUTHENTICATED');
    expect(await outcome({ actor: 'admin' }, { credential: 'alice' })).toBe('AUTH.FORBIDDEN');
    expect(await outcome({ actor: 'user' }, { credential: 'forged' })).toBe('AUTH.INVALID_TOKEN');
    expect(await outcome({ anyone: true }, { credential: 'forged' })).toBe('AUTH.INVALID_TOKEN');
    expect(await outcome({ actor: 'user' }, { credential: 42 })).toBe('AUTH.UNAUTHENTICATED');
  });
});

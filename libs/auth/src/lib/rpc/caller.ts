import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RpcEnvelope, RpcMetadata } from '@site11/contracts';
import { unauthenticated } from '../auth.errors';
import type { VerifiedActor } from './credential-verifier';

/**
 * The end user a message acts for, as RpcIdentityGuard verified them from the forwarded access
 * token; refuses a message that carries none. Never a field of the payload.
 */
export function actorOf(metadata: Pick<RpcMetadata, 'actor'>): VerifiedActor {
  if (!metadata.actor?.sub) throw unauthenticated();
  return metadata.actor as VerifiedActor;
}

/** Handler parameter: the verified end user of the message (see `actorOf`). */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): VerifiedActor =>
  actorOf(context.switchToRpc().getData<RpcEnvelope>().metadata),
);

import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { isAdmin, type RpcMetadata } from '@site11/contracts';
import { forbidden, unauthenticated } from '../auth.errors';
import { CredentialVerifier, type VerifiedCredential } from './credential-verifier';
import { RPC_ACCESS, type RpcAccessPolicy } from './rpc-access';
import { RPC_IDENTITY_OPTIONS, type RpcIdentityOptions } from './rpc-identity.options';

type Envelope = { data?: Record<string, unknown>; metadata?: RpcMetadata & { service?: string } };

/**
 * A service's own check of who calls it, for every message handler: the envelope's credential
 * is verified (an access token or a service token), `metadata.actor` is replaced by what it
 * proves (or removed), and the handler's `@RpcAccess` policy decides. What the envelope merely
 * claims (an actor, a caller name) counts for nothing, so a process that can write to the
 * service's stream still cannot act as a user it has no token of.
 *
 * Events pass: only their emitter can append to an event stream (its Redis user), and the
 * platform's liveness pings pass. HTTP requests (health) are not this guard's business.
 */
@Injectable()
export class RpcIdentityGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: CredentialVerifier,
    @Inject(RPC_IDENTITY_OPTIONS) private readonly options: RpcIdentityOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'rpc') return true;
    const handler = context.getHandler();
    if (Reflect.getMetadata(PATTERN_HANDLER_METADATA, handler) === PatternHandler.EVENT) return true;
    // the handler's own pattern, whatever the transport's context offers
    const patterns = (Reflect.getMetadata(PATTERN_METADATA, handler) as unknown[] | undefined) ?? [];
    if (patterns.includes(`${this.options.service}.ping`)) return true;

    const envelope = context.switchToRpc().getData<Envelope>();
    const metadata = envelope?.metadata;
    const policy = this.reflector.get<RpcAccessPolicy | undefined>(RPC_ACCESS, handler);
    const credential = await this.credentialOf(metadata);
    if (metadata && typeof metadata === 'object') {
      delete metadata.actor;
      delete metadata.service;
      if (credential?.kind === 'user') metadata.actor = credential.actor;
      if (credential?.kind === 'service') metadata.service = credential.service;
    }
    if (!policy) throw forbidden('This operation is not open to any caller');
    if (policy.anyone) return true;
    if (credential?.kind === 'service') {
      if (policy.services?.includes(credential.service)) return true;
      throw forbidden(`The ${credential.service} service may not call this operation`);
    }
    if (!policy.actor) throw credential ? forbidden() : unauthenticated();
    if (!credential) throw unauthenticated();
    const { actor } = credential;
    const admin = isAdmin(actor);
    const subject = envelope.data?.[policy.field ?? 'id'];
    switch (policy.actor) {
      case 'user':
        return true;
      case 'admin':
        if (admin) return true;
        break;
      case 'self':
        if (subject === actor.sub) return true;
        break;
      case 'self-or-admin':
        if (admin || subject === actor.sub) return true;
        break;
    }
    throw forbidden();
  }

  private async credentialOf(metadata: Envelope['metadata']): Promise<VerifiedCredential | null> {
    const token = metadata && typeof metadata === 'object' ? metadata.credential : undefined;
    if (token === undefined) return null;
    if (typeof token !== 'string' || token.length > 8192) throw unauthenticated();
    return this.verifier.verify(token, this.options.service);
  }
}

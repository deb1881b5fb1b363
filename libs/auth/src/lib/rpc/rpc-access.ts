import { SetMetadata } from '@nestjs/common';

export const RPC_ACCESS = 'site11:rpc-access';

/**
 * Who may call a message handler, checked in the service on a verified credential (never on
 * what the envelope claims). A call passes when any of the listed grants holds.
 */
export interface RpcAccessPolicy {
  /** Anyone who can reach the service (login, registration, the JWKS). */
  anyone?: boolean;
  /** Apps that may call it as themselves, proved by a service token signed by the authority. */
  services?: string[];
  /**
   * An end user, proved by their access token: `user` any signed-in user, `admin` admins only,
   * `self` the user named by `field` of the payload, `self-or-admin` that user or an admin.
   */
  actor?: 'user' | 'admin' | 'self' | 'self-or-admin';
  /** Payload field naming the user that `self` and `self-or-admin` compare with (default `id`). */
  field?: string;
}

/** Declares who may call this message handler. A handler without one is refused to everyone. */
export const RpcAccess = (policy: RpcAccessPolicy) => SetMetadata(RPC_ACCESS, policy);

import type { RpcMetadata } from '@site11/contracts';
import { platformClock } from '../clock';
import type { CallOptions } from './rpc-client';

/** Below this, a downstream call is not worth making: the caller has given up already. */
const MIN_DEADLINE_MS = 50;

/**
 * Options of a call a service makes to another while it handles a message: the same request
 * id, what is left of the caller's deadline, and for a `command`, the caller's idempotency key
 * (so a redelivered request repeats its downstream command under the same key); a `read` may
 * be retried; and the HTTP client the message serves, which the service called records in its
 * audit log. The credential is the caller's to choose (its own service token, or the user's).
 */
export function callOptionsFrom(metadata: RpcMetadata, kind: 'read' | 'command'): CallOptions {
  return {
    requestId: metadata.requestId,
    deadlineMs: Math.max(MIN_DEADLINE_MS, metadata.deadline - platformClock.now()),
    ...(metadata.client ? { client: metadata.client } : {}),
    ...(kind === 'read' ? { idempotent: true } : {}),
    ...(kind === 'command' && metadata.idempotencyKey
      ? { idempotencyKey: metadata.idempotencyKey, idempotencyOrigin: metadata.idempotencyOrigin }
      : {}),
  };
}

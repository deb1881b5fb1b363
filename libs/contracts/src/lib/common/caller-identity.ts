/**
 * Who a request's credential proves, for the transport's own use before any handler runs (the
 * scope of an idempotency key). Provided by the app's identity module (`RpcIdentityModule` in
 * `@site11/auth`); throws the same error the handler's guard would.
 */
export type CallerIdentityResolver = (metadata: unknown) => Promise<{ actor?: string; service?: string }>;

export const CALLER_IDENTITY = Symbol('CALLER_IDENTITY');

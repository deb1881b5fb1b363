export interface RpcIdentityOptions {
  /** The receiving service: service tokens must be addressed to it. */
  service: string;
  /** Required `iss` of tokens. */
  issuer: string;
  /** Required `aud` of access tokens. */
  audience: string;
  /** `iss` of third-party applications' access tokens (PUBLIC_URL). */
  applicationIssuer?: string;
  /** How long the authority's keys, read from Redis, are used before being read again (ms). */
  jwksCacheMs?: number;
}

export const RPC_IDENTITY_OPTIONS = Symbol('RPC_IDENTITY_OPTIONS');

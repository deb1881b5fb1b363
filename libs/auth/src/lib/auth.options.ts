import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { JsonWebKeySet } from '@site11/contracts';

export interface AuthModuleOptions {
  /** Required `iss` claim. */
  issuer: string;
  /** Required `aud` claim. */
  audience: string;
  /**
   * `iss` of access tokens issued to third-party applications (OAuth / OpenID Connect, the
   * platform's PUBLIC_URL): accepted too, as tokens acting for their user with the scopes they
   * carry, never with a role beyond `user`. Unset: only first-party tokens.
   */
  applicationIssuer?: string;
  /** Accepted clock skew in seconds (at most 30). */
  clockToleranceSeconds?: number;
  /** Fetches the token authority's current JWKS. */
  loadJwks: () => Promise<JsonWebKeySet>;
  /** How long a fetched JWKS is used before it is fetched again (ms). */
  jwksCacheMs?: number;
}

export const { ConfigurableModuleClass: ConfigurableAuthModule, MODULE_OPTIONS_TOKEN: AUTH_OPTIONS } =
  new ConfigurableModuleBuilder<AuthModuleOptions>().setClassMethodName('forRoot').build();

import { Inject, Injectable } from '@nestjs/common';
import {
  ACCESS_TOKEN_TYPE,
  type Actor,
  CommonErrors,
  DomainError,
  ErrorKind,
  SERVICE_TOKEN_TYPE,
  USER_ROLES,
  type UserRole,
} from '@site11/contracts';
import { errors, jwtVerify, type JWTPayload, type KeyLike } from 'jose';
import type { KeyObject } from 'node:crypto';
import { AUTH_OPTIONS, type AuthModuleOptions } from '../auth.options';
import { invalidToken, tokenExpired, tokenRevoked, unauthenticated } from '../auth.errors';
import { JwksStore } from '../jwks.store';
import { TokenDenylist } from '../token-denylist';
import { VerifiedTokens } from '../verified-tokens';

/** An end user, as their access token proves them. */
export interface VerifiedActor extends Actor {
  sid?: string;
  jti?: string;
  /** Expiry of the token (epoch seconds). */
  exp?: number;
  /** A third-party application acting for the user (OAuth): its client id and the scopes it was given. */
  clientId?: string;
  scopes?: string[];
}

export type VerifiedCredential = { kind: 'user'; actor: VerifiedActor } | { kind: 'service'; service: string };

const OBJECT_ID = /^[a-f0-9]{24}$/;

/**
 * A third-party application's access token for its user (RFC 9068: `client_id`, `scope`): the
 * user as a plain `user`, whatever roles they have, with the application's client id and scopes.
 * Client-credentials tokens (no user) are not actors of the API.
 */
export function applicationActor(typ: string | undefined, forThisApi: boolean, payload: JWTPayload): VerifiedActor {
  const clientId = payload['client_id'];
  const scope = payload['scope'];
  if (typ !== ACCESS_TOKEN_TYPE || !forThisApi || typeof clientId !== 'string' || typeof scope !== 'string') throw invalidToken();
  if (typeof payload.sub !== 'string' || !OBJECT_ID.test(payload.sub)) throw invalidToken();
  const sid = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
  return {
    sub: payload.sub,
    roles: ['user'],
    clientId,
    scopes: scope.split(' ').filter(Boolean),
    ...(sid ? { sid } : {}),
    ...(payload.jti ? { jti: payload.jti } : {}),
    ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
  };
}

function isRole(role: unknown): role is UserRole {
  return typeof role === 'string' && (USER_ROLES as readonly string[]).includes(role);
}

/**
 * Verifies the credential an envelope carries: an end user's access token (`at+jwt`, as the
 * gateway received it) or a service token (`svc+jwt`, minted by the authority for one app to
 * call another, addressed to the receiving service). RS256 only, with the authority's published
 * keys, issuer, audience, type and expiry checked; nothing the envelope says besides is trusted.
 * Revocation is checked here too, on the same denylist the gateway reads: a revoked session or
 * token, or a withdrawn signing key, is refused by the service whoever delivers the envelope.
 */
@Injectable()
export class CredentialVerifier {
  private readonly verified: VerifiedTokens;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly jwks: JwksStore,
    private readonly denylist: TokenDenylist,
  ) {
    this.verified = new VerifiedTokens(10_000, Math.min(options.clockToleranceSeconds ?? 30, 30));
  }

  /** `service` is the receiving app: a service token must be addressed to it. */
  /**
   * The user behind an `Authorization: Bearer` header that the gateway forwarded to a service's
   * own HTTP listener (file uploads and downloads): the same check as on the transport.
   */
  async bearerUser(authorization: string | undefined, service: string): Promise<VerifiedActor> {
    const token = /^bearer\s+(\S{1,8192})\s*$/i.exec(authorization ?? '')?.[1];
    if (!token) throw unauthenticated();
    const credential = await this.verify(token, service);
    if (credential.kind !== 'user') throw unauthenticated();
    return credential.actor;
  }

  async verify(token: string, service: string): Promise<VerifiedCredential> {
    const { payload, typ, kid } = await this.checkSignature(token);
    await this.refuseRevoked(kid, payload);
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (this.options.applicationIssuer && payload.iss === this.options.applicationIssuer && payload.iss !== this.options.issuer) {
      return { kind: 'user', actor: applicationActor(typ, audiences.includes(this.options.audience), payload) };
    }
    if (typ === ACCESS_TOKEN_TYPE && audiences.includes(this.options.audience)) {
      const roles = payload['roles'];
      if (typeof payload.sub !== 'string' || !OBJECT_ID.test(payload.sub) || !Array.isArray(roles) || !roles.every(isRole)) {
        throw invalidToken();
      }
      const sid = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
      const actor: VerifiedActor = { sub: payload.sub, roles, ...(sid ? { sid } : {}), ...(payload.jti ? { jti: payload.jti } : {}) };
      if (typeof payload.exp === 'number') actor.exp = payload.exp;
      return { kind: 'user', actor };
    }
    if (typ === SERVICE_TOKEN_TYPE && audiences.includes(service) && typeof payload.sub === 'string') {
      return { kind: 'service', service: payload.sub };
    }
    throw invalidToken();
  }

  /**
   * The signature, algorithm, issuer and expiry; a token verified before with a key the authority
   * still publishes is not checked again (`VerifiedTokens`), its expiry is.
   */
  private async checkSignature(token: string): Promise<{ payload: JWTPayload; typ: string; kid: string }> {
    const seen = this.verified.get(token);
    if (seen && (await this.jwks.keyObjectFor(seen.kid).catch(() => null)) === seen.key) return seen;
    let kid: string | undefined;
    let key: KeyLike | undefined;
    try {
      const result = await jwtVerify(token, async (header) => (key = await this.keyFor((kid = header.kid))), {
        algorithms: ['RS256'],
        issuer: this.options.applicationIssuer ? [this.options.issuer, this.options.applicationIssuer] : this.options.issuer,
        clockTolerance: Math.min(this.options.clockToleranceSeconds ?? 30, 30),
        requiredClaims: ['exp', 'sub'],
      });
      const typ = String(result.protectedHeader.typ ?? '').toLowerCase().replace(/^application\//, '');
      const verified = { payload: result.payload, typ, kid: String(kid), key: key as KeyObject };
      this.verified.set(token, verified);
      return verified;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw tokenExpired();
      if (error instanceof errors.JOSEError || error instanceof DomainError) throw invalidToken();
      // the keys could not be read (Redis down): the caller may retry; this is no verdict on the token
      throw new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'Credentials cannot be verified right now');
    }
  }

  private async refuseRevoked(kid: string, payload: JWTPayload): Promise<void> {
    const session = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
    let revoked: boolean[];
    try {
      revoked = await Promise.all([
        this.denylist.isKeyWithdrawn(kid),
        ...(session && payload.jti ? [this.denylist.isDenied(payload.jti, session)] : []),
      ]);
    } catch {
      throw new DomainError(CommonErrors.serviceUnavailable, ErrorKind.Unavailable, 'Credentials cannot be verified right now');
    }
    if (revoked.some(Boolean)) throw tokenRevoked();
  }

  /** Asks the JWKS store each time (a withdrawn key leaves it); the store parses each key once. */
  private async keyFor(kid: string | undefined): Promise<KeyLike> {
    if (!kid) throw invalidToken();
    const key = await this.jwks.keyObjectFor(kid);
    if (!key) throw invalidToken();
    return key;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims, type AuthMethodReference, USER_ROLES } from '@site11/contracts';
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  applicationActor,
  AUTH_OPTIONS,
  type AuthModuleOptions,
  invalidToken,
  JwksStore,
  TokenDenylist,
  tokenRevoked,
  VerifiedTokens,
} from '@site11/auth';
import type { AuthUser } from './auth-user';

/** The only algorithm accepted: `none`, HS* (public key as HMAC secret) and others are refused. */
export const ACCESS_TOKEN_ALGORITHM = 'RS256';

const OBJECT_ID = /^[a-f0-9]{24}$/;

const bearer = ExtractJwt.fromAuthHeaderAsBearerToken();

function hasPlatformClaims(payload: Partial<AccessTokenClaims>): payload is AccessTokenClaims {
  return (
    typeof payload.sub === 'string' &&
    OBJECT_ID.test(payload.sub) &&
    typeof payload.jti === 'string' &&
    typeof payload.sid === 'string' &&
    typeof payload.exp === 'number' &&
    Array.isArray(payload.roles) &&
    payload.roles.every((role) => (USER_ROLES as readonly string[]).includes(role))
  );
}

/**
 * passport-jwt with the algorithm and the token type (`at+jwt`) pinned, `iss` and `aud` required, bounded clock skew, keys
 * looked up by `kid` in the authority's JWKS, and revoked `jti`s refused.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  /** Tokens whose signature passport-jwt checked already; see `authenticate`. */
  private readonly verified: VerifiedTokens;

  constructor(
    @Inject(AUTH_OPTIONS) private readonly options: AuthModuleOptions,
    private readonly jwks: JwksStore,
    private readonly denylist: TokenDenylist,
  ) {
    super({
      jwtFromRequest: bearer,
      passReqToCallback: true,
      algorithms: [ACCESS_TOKEN_ALGORITHM],
      issuer: options.applicationIssuer ? [options.issuer, options.applicationIssuer] : options.issuer,
      audience: options.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: Math.min(options.clockToleranceSeconds ?? 30, 30) },
      // a parsed KeyObject, never the PEM: jsonwebtoken would parse a PEM again on every request
      secretOrKeyProvider: (_request: unknown, rawJwtToken: string, done: (err: unknown, key?: string) => void) => {
        let kid: string | undefined;
        try {
          const header = decodeProtectedHeader(rawJwtToken);
          if (header.alg !== ACCESS_TOKEN_ALGORITHM) return done(invalidToken());
          // RFC 8725 §3.11 / RFC 9068: only a JWT typed as an access token is one
          const typ = String(header.typ ?? '').toLowerCase();
          if (typ !== ACCESS_TOKEN_TYPE && typ !== `application/${ACCESS_TOKEN_TYPE}`) return done(invalidToken());
          kid = header.kid;
        } catch {
          return done(invalidToken());
        }
        if (!kid) return done(invalidToken());
        jwks.keyObjectFor(kid).then(
          (key) => (key ? done(null, key as never) : done(invalidToken())),
          (error: unknown) => done(error),
        );
      },
    });
    this.verified = new VerifiedTokens(10_000, Math.min(options.clockToleranceSeconds ?? 30, 30));
  }

  /**
   * A token verified before (same text, unexpired, its key still published) skips passport-jwt's
   * signature check, the largest CPU cost of a routed request here (docs/performance.md); its
   * claims and revocation are checked again by `validate`, as on the first request. Anything
   * else takes passport-jwt's full path. `this` is passport's per-request copy of the strategy.
   */
  override authenticate(request: never, options?: unknown): void {
    const token = bearer(request);
    const seen = token ? this.verified.get(token) : undefined;
    if (!seen) return super.authenticate(request, options as never);
    const self = this as unknown as { success(user: unknown): void; error(error: unknown): void };
    this.jwks.keyObjectFor(seen.kid).then(
      (key) => {
        if (key !== seen.key) {
          // the key set changed since (a rotation, a withdrawal): check the token again in full
          this.verified.delete(token as string);
          return super.authenticate(request, options as never);
        }
        this.validate(request, seen.payload as never).then(
          (user) => self.success(user),
          (error: unknown) => self.error(error),
        );
      },
      (error: unknown) => self.error(error),
    );
  }

  /**
   * Revocation, checked after the signature: the token itself, its session, or the key that
   * signed it (a withdrawn key; its public half may still be cached here). If Redis cannot
   * answer, the request fails with 503, never passes.
   */
  async validate(request: unknown, payload: Partial<AccessTokenClaims> & JWTPayload): Promise<AuthUser> {
    const token = bearer(request as never) ?? '';
    const header = decodeProtectedHeader(token);
    const kid = String(header.kid);
    if (!this.verified.get(token)) {
      // passport-jwt has just checked the signature with this key
      const key = await this.jwks.keyObjectFor(kid);
      if (key) this.verified.set(token, { payload, typ: String(header.typ ?? ''), kid, key });
    }
    if (this.options.applicationIssuer && payload.iss === this.options.applicationIssuer && payload.iss !== this.options.issuer) {
      // a third-party application for its user: the scope guard decides which routes it may call
      const typ = String(header.typ ?? '').toLowerCase().replace(/^application\//, '');
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      const actor = applicationActor(typ, audiences.includes(this.options.audience), payload);
      const [denied, withdrawn] = await Promise.all([this.denylist.isDenied(String(actor.jti), String(actor.sid ?? '')), this.denylist.isKeyWithdrawn(kid)]);
      if (denied || withdrawn) throw tokenRevoked();
      return { sub: actor.sub, roles: ['user'], jti: String(actor.jti), sid: String(actor.sid ?? ''), exp: Number(actor.exp), clientId: actor.clientId, scopes: actor.scopes };
    }
    if (!hasPlatformClaims(payload)) throw invalidToken();
    const [denied, withdrawn] = await Promise.all([this.denylist.isDenied(payload.jti, payload.sid), this.denylist.isKeyWithdrawn(kid)]);
    if (denied || withdrawn) throw tokenRevoked();
    const amr = Array.isArray(payload.amr) ? payload.amr.filter((method): method is AuthMethodReference => method === 'pwd' || method === 'otp') : ['pwd' as const];
    const withheldRoles = Array.isArray(payload.withheldRoles) ? payload.withheldRoles.filter((role) => (USER_ROLES as readonly string[]).includes(role)) : [];
    return { sub: payload.sub, roles: payload.roles, jti: payload.jti, sid: payload.sid, exp: payload.exp, amr, ...(withheldRoles.length > 0 ? { withheldRoles } : {}) };
  }
}

import { Injectable } from '@nestjs/common';
import { SERVICE_TOKEN_TYPE } from '@site11/contracts';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { OAuthConfig } from '../oauth.config';
import { SIGNING_ALGORITHM, SigningKeysService } from './signing-keys.service';

/** Lifetime of a service token; one is minted per audience and reused until a minute before it ends. */
const SERVICE_TOKEN_TTL_SECONDS = 300;

/**
 * Tokens proving this app (oauth) to another service, for calls it makes as itself (checking a
 * password, creating an account at registration): `typ: svc+jwt`, addressed (`aud`) to that
 * service, short-lived, signed with the current key. Reused until shortly before they expire,
 * and minted again when the signing key changes.
 */
@Injectable()
export class ServiceTokensService {
  private readonly minted = new Map<string, { token: string; kid: string; renewAt: number }>();

  constructor(
    private readonly keys: SigningKeysService,
    private readonly config: OAuthConfig,
  ) {}

  async tokenFor(audience: string): Promise<string> {
    const { kid, privateKey } = await this.keys.current();
    const cached = this.minted.get(audience);
    if (cached && cached.kid === kid && Date.now() < cached.renewAt) return cached.token;
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid, typ: SERVICE_TOKEN_TYPE })
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(audience)
      .setSubject('oauth')
      .setIssuedAt(issuedAt)
      .setJti(randomUUID())
      .setExpirationTime(issuedAt + SERVICE_TOKEN_TTL_SECONDS)
      .sign(privateKey);
    this.minted.set(audience, { token, kid, renewAt: Date.now() + (SERVICE_TOKEN_TTL_SECONDS - 60) * 1000 });
    return token;
  }
}

import { createDecipheriv } from 'node:crypto';
import { importJWK, type JWK, type KeyLike } from 'jose';
import { KEY_ENCRYPTION_KEY, type Stack } from './stack';

export interface Sealed {
  alg: string;
  kek: string;
  iv: string;
  tag: string;
  ct: string;
}

/**
 * Opens a private signing key as an attacker holding the database and the key-encryption key
 * would: AES-256-GCM with the key's record as associated data, written here from the documented
 * format rather than imported from the service.
 */
export function unseal(kid: string, sealed: Sealed): JWK {
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(KEY_ENCRYPTION_KEY, 'base64'), Buffer.from(sealed.iv, 'base64url'));
  decipher.setAAD(Buffer.from(`signing_keys:${kid}`));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64url')), decipher.final()]).toString('utf8'));
}

/** The authority's real current signing key, read from its database and unsealed. */
export async function currentSigningKey(stack: Stack): Promise<{ kid: string; privateKey: KeyLike | Uint8Array }> {
  const [key] = await stack.oauthDb.collection('signing_keys').find().sort({ generation: -1 }).limit(1).toArray();
  const kid = String(key['_id']);
  return { kid, privateKey: await importJWK(unseal(kid, key['sealedPrivateKey'] as Sealed), 'RS256') };
}

import { randomBytes } from 'node:crypto';

/** A new public link token: 128 random bits, base64url (22 characters). */
export const newPublicToken = (): string => randomBytes(16).toString('base64url');

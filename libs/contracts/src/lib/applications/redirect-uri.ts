import { registerDecorator, type ValidationOptions } from 'class-validator';

/** Hosts an `http:` redirect may name: the user's own machine (RFC 8252 §7.3, §8.3). */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
export const REDIRECT_URI_MAX_LENGTH = 2048;

/**
 * Why a redirect URI cannot be registered, or null when it can: an absolute `https:` URL, or
 * `http:` on a loopback host; no fragment (RFC 6749 §3.1.2), no user info, at most 2048 characters.
 * The authorization server matches it exactly, character for character.
 */
export function redirectUriProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > REDIRECT_URI_MAX_LENGTH) return `must be at most ${REDIRECT_URI_MAX_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (value.includes('#')) return 'must not have a fragment';
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return LOOPBACK_HOSTS.has(url.hostname) ? null : 'may use http only for localhost, 127.0.0.1 or [::1]';
  return 'must use https (or http for localhost)';
}

/** class-validator: each value is a redirect URI that can be registered (see `redirectUriProblem`). */
export function IsRedirectUri(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isRedirectUri',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => redirectUriProblem(value) === null,
        defaultMessage: (args) => {
          const value = args?.value as unknown;
          const problems = (Array.isArray(value) ? value : [value]).map(redirectUriProblem).filter(Boolean);
          return `${args?.property ?? 'redirect URI'}: each ${problems[0] ?? 'must be a valid redirect URI'}`;
        },
      },
    });
  };
}

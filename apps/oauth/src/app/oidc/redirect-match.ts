/** Loopback IP literals whose port a native app picks at run time (RFC 8252 §7.3). */
const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * Whether `given` is one of the registered redirect URIs: character for character, no prefix and
 * no wildcard. The one exception is RFC 8252 §7.3: for an `http:` redirect on a loopback IP
 * literal, any port matches (the rest must still be identical).
 */
export function redirectUriRegistered(registered: readonly string[], given: string): boolean {
  if (registered.includes(given)) return true;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_IPS.has(url.hostname)) return false;
  const withoutPort = (value: URL) => `${value.protocol}//${value.hostname}${value.pathname}${value.search}`;
  return registered.some((candidate) => {
    try {
      const option = new URL(candidate);
      return option.protocol === 'http:' && LOOPBACK_IPS.has(option.hostname) && withoutPort(option) === withoutPort(url) && !given.includes('#');
    } catch {
      return false;
    }
  });
}

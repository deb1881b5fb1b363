import { redirectUriRegistered } from './redirect-match';

describe('redirectUriRegistered', () => {
  const registered = ['https://app.example.com/callback', 'http://127.0.0.1/native', 'http://[::1]:8080/cb', 'http://localhost:3000/cb'];

  it.each([
    ['the exact URI', 'https://app.example.com/callback', true],
    ['a longer path (no prefix matching)', 'https://app.example.com/callback/more', false],
    ['a shorter path', 'https://app.example.com/callbac', false],
    ['another query', 'https://app.example.com/callback?next=/', false],
    ['another host', 'https://evil.example.com/callback', false],
    ['http instead of https', 'http://app.example.com/callback', false],
    ['a loopback IP with any port (RFC 8252 §7.3)', 'http://127.0.0.1:53682/native', true],
    ['an IPv6 loopback with another port', 'http://[::1]:9999/cb', true],
    ['a loopback IP with another path', 'http://127.0.0.1:53682/other', false],
    ['localhost with another port (a name, not an IP literal)', 'http://localhost:4000/cb', false],
    ['a loopback with a fragment', 'http://127.0.0.1:5000/native#x', false],
  ])('%s: %p', (_case, given, expected) => {
    expect(redirectUriRegistered(registered, given)).toBe(expected);
  });
});

import { type ApiClient, CONSOLE_HEADER, expectOk, unwrap } from '../api/client';
import type { SessionTransport } from './session';

/** The console session routes of the gateway (sign-in and its second step, refresh, sign-out), through the typed client. */
export function createSessionTransport(api: ApiClient): SessionTransport {
  const params = { header: CONSOLE_HEADER };
  return {
    signIn: (email, password) => unwrap(api.POST('/api/v1/console/session', { params, body: { email, password } })),
    signInMfa: (mfaToken, factor) => unwrap(api.POST('/api/v1/console/session/mfa', { params, body: { mfaToken, ...factor } })),
    refresh: () => unwrap(api.POST('/api/v1/console/session/refresh', { params })),
    signOut: () => expectOk(api.DELETE('/api/v1/console/session', { params })),
  };
}

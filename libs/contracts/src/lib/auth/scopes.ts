/**
 * The scopes a third-party application may ask for. OpenID Connect's own, then one or two per
 * service API (`<service>:read|write`). The consent page shows each one's description; a service
 * that adds an API for third parties adds its scopes here.
 */
export const OIDC_SCOPES = {
  openid: 'Sign you in with your site11 account',
  profile: 'See your name and profile',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using it',
} as const;

export const API_SCOPES = {
  'users:read': 'Read your site11 profile',
  'applications:read': 'See your registered applications and their configuration',
  'applications:write': 'Change your registered applications and their configuration',
  'data:read': 'Read your datasets and their rows',
  'data:write': 'Import, change, transform and delete your datasets',
} as const;

export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = { ...OIDC_SCOPES, ...API_SCOPES };
export type Scope = keyof typeof OIDC_SCOPES | keyof typeof API_SCOPES;
export const SCOPES = Object.keys(SCOPE_DESCRIPTIONS) as Scope[];

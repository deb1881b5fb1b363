import type { components } from '../../api/schema';
import { msg, nameField, z } from '../../lib/zod';
import type { Application, CreateApplication } from './queries';

type GrantType = components['schemas']['CreateApplicationDto']['grantTypes'][number];
type Scope = components['schemas']['CreateApplicationDto']['scopes'][number];

/** The choices the API offers (its enums, in the OpenAPI document). */
export const GRANT_TYPES: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
export const SCOPES: Scope[] = ['openid', 'profile', 'email', 'offline_access', 'users:read', 'applications:read', 'applications:write'];

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The API's redirect URI rule (libs/contracts redirect-uri.ts), checked before sending. */
function redirectUriOk(value: string): boolean {
  if (value.includes('#')) return false;
  try {
    const url = new URL(value);
    if (url.username || url.password) return false;
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

/** Lines of a textarea → URIs (blank lines ignored). */
export const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

const uriLines = z
  .string()
  .refine((text) => lines(text).every(redirectUriOk), { error: msg('validation.redirectUri') })
  .refine((text) => lines(text).length <= 10, { error: msg('validation.tooMany', { max: 10 }) });

/** CreateApplicationDto as the API validates it (the cross-field rules come back from the API under their fields). */
export const applicationFormSchema = z.object({
  name: nameField(),
  type: z.enum(['confidential', 'public']),
  redirectUris: uriLines,
  postLogoutRedirectUris: uriLines,
  grantTypes: z.array(z.enum(GRANT_TYPES as [GrantType, ...GrantType[]])).min(1, { error: msg('validation.required') }),
  scopes: z.array(z.enum(SCOPES as [Scope, ...Scope[]])),
  homepageUrl: z.union([z.literal(''), z.url({ protocol: /^https?$/, error: msg('validation.url') })]),
});
export type ApplicationFormValues = z.input<typeof applicationFormSchema>;
export type ApplicationFormOutput = z.output<typeof applicationFormSchema>;

export const APPLICATION_FORM_FIELDS = ['name', 'type', 'redirectUris', 'postLogoutRedirectUris', 'grantTypes', 'scopes', 'homepageUrl'] as const;

export function applicationFormValues(application?: Application): ApplicationFormValues {
  return {
    name: application?.name ?? '',
    type: application?.type ?? 'confidential',
    redirectUris: application?.redirectUris.join('\n') ?? '',
    postLogoutRedirectUris: application?.postLogoutRedirectUris.join('\n') ?? '',
    grantTypes: application?.grantTypes ?? ['authorization_code', 'refresh_token'],
    scopes: application?.scopes ?? ['openid', 'profile', 'email'],
    homepageUrl: application?.homepageUrl ?? '',
  };
}

export function applicationBody(values: ApplicationFormOutput): CreateApplication {
  return {
    name: values.name,
    type: values.type,
    redirectUris: lines(values.redirectUris),
    postLogoutRedirectUris: lines(values.postLogoutRedirectUris),
    grantTypes: values.grantTypes,
    scopes: values.scopes,
    ...(values.homepageUrl ? { homepageUrl: values.homepageUrl } : {}),
  };
}

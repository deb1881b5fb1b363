import { z } from 'zod';

// No `new Function`: the gateway's CSP has no 'unsafe-eval', and even zod's guarded probe for it
// would be reported as a violation.
z.config({ jitless: true });

export { z };

/**
 * A validation message as an i18n key (with its values), translated where it is shown by
 * `translateMessage`. Messages from the server are plain text and shown as they are.
 */
export function msg(key: string, values?: Record<string, string | number>): string {
  return `i18n:${key}${values ? `|${JSON.stringify(values)}` : ''}`;
}

/** Email as the API takes it: trimmed, a valid address, at most 254 characters. */
export const emailField = () =>
  z
    .string()
    .trim()
    .min(1, { error: msg('validation.required') })
    .pipe(z.email({ error: msg('validation.email') }).max(254, { error: msg('validation.tooLong', { max: 254 }) }));

/** A new password as the API takes it: 8 to 128 characters. */
export const newPasswordField = () =>
  z
    .string()
    .min(8, { error: msg('validation.passwordLength') })
    .max(128, { error: msg('validation.passwordLength') });

/** A user's name as the API takes it: trimmed, 1 to 100 characters. */
export const nameField = () =>
  z
    .string()
    .trim()
    .min(1, { error: msg('validation.nameLength') })
    .max(100, { error: msg('validation.nameLength') });

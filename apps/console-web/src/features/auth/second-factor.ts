import type { TFunction } from 'i18next';
import { ApiError } from '../../api/errors';
import type { SecondFactor } from '../../auth/session';
import { msg, z } from '../../lib/zod';
import { describeError } from '../../ui/messages';

/** As the API checks them (libs/contracts account-security.dto.ts): six digits; 16 base32 characters in groups of four. */
const TOTP_CODE = /^\d{6}$/;
const RECOVERY_CODE = /^[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}-?[A-Za-z2-7]{4}$/;

/** Spaces people type or paste ("123 456") are not part of the code. */
const compact = (value: string) => value.replace(/\s+/g, '');

/** The form fields of a second factor: a code of the authenticator app, or a recovery code. */
export const secondFactorShape = {
  useRecoveryCode: z.boolean(),
  code: z.string(),
  recoveryCode: z.string(),
};
export interface SecondFactorValues {
  useRecoveryCode: boolean;
  code: string;
  recoveryCode: string;
}
export const emptySecondFactor: SecondFactorValues = { useRecoveryCode: false, code: '', recoveryCode: '' };

/** Checks the field in use (for `superRefine`). */
export function checkSecondFactor(values: SecondFactorValues, ctx: z.RefinementCtx): void {
  if (values.useRecoveryCode) {
    if (!RECOVERY_CODE.test(compact(values.recoveryCode))) {
      ctx.addIssue({ code: 'custom', path: ['recoveryCode'], message: msg('authSecurity.recoveryCodeFormat') });
    }
  } else if (!TOTP_CODE.test(compact(values.code))) {
    ctx.addIssue({ code: 'custom', path: ['code'], message: msg('authSecurity.codeFormat') });
  }
}

export const secondFactorSchema = z.object(secondFactorShape).superRefine(checkSecondFactor);

/** A six-digit code alone (TOTP enrolment). */
export const totpCodeSchema = z.object({
  code: z.string().refine((value) => TOTP_CODE.test(compact(value)), { error: msg('authSecurity.codeFormat') }),
});

/** What the API takes: `{ code }` or `{ recoveryCode }`, never both. */
export function secondFactorBody(values: SecondFactorValues): SecondFactor {
  return values.useRecoveryCode ? { recoveryCode: compact(values.recoveryCode) } : { code: compact(values.code) };
}

/** A refused code (`AUTH.INVALID_MFA_CODE`) belongs under its field; anything else above the form. */
export function secondFactorFailure(t: TFunction, error: unknown): { onField: boolean; message: string } {
  return error instanceof ApiError && error.code === 'AUTH.INVALID_MFA_CODE'
    ? { onField: true, message: t('authSecurity.invalidCode') }
    : { onField: false, message: describeError(t, error) };
}

export { compact as compactCode };

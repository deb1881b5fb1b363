import { emailField, msg, nameField, newPasswordField, z } from '../../lib/zod';

/** LoginDto: a valid email; the password as the API takes it on sign-in (1 to 128 characters). */
export const signInSchema = z.object({
  email: emailField(),
  password: z
    .string()
    .min(1, { error: msg('validation.required') })
    .max(128, { error: msg('validation.tooLong', { max: 128 }) }),
});
export type SignInValues = z.infer<typeof signInSchema>;

/** RegisterDto: email, name 1–100, password 8–128. */
export const registerSchema = z.object({
  email: emailField(),
  name: nameField(),
  password: newPasswordField(),
});
export type RegisterValues = z.infer<typeof registerSchema>;

/** PasswordResetRequestDto and the resend of a verification link: an email address. */
export const emailSchema = z.object({ email: emailField() });
export type EmailValues = z.infer<typeof emailSchema>;

/** PasswordResetConfirmDto's new password (8–128), typed twice. */
export const resetPasswordSchema = z
  .object({ newPassword: newPasswordField(), confirmPassword: z.string() })
  .refine((values) => values.newPassword === values.confirmPassword, {
    path: ['confirmPassword'],
    error: msg('validation.passwordsDiffer'),
  });
export type ResetPasswordValues = z.infer<typeof resetPasswordSchema>;

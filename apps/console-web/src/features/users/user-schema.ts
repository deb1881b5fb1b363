import { type UpdateUser, type User, type UserRole, USER_ROLES } from '../../api/types';
import { msg, nameField, z } from '../../lib/zod';

const optionalText = (max: number) => z.string().max(max, { error: msg('validation.tooLong', { max }) });
const blankOr = (schema: z.ZodType<string>) => z.union([z.literal(''), schema]);

/** UpdateUserDto / ProfileDto, as the API validates them. */
export const userFormSchema = z.object({
  name: nameField(),
  profile: z.object({
    displayName: optionalText(100),
    bio: optionalText(1000),
    avatarUrl: blankOr(
      z
        .url({ protocol: /^https?$/, error: msg('validation.url') })
        .max(2048, { error: msg('validation.tooLong', { max: 2048 }) }),
    ),
    locale: blankOr(
      z
        .string()
        .max(35, { error: msg('validation.tooLong', { max: 35 }) })
        .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: msg('validation.locale') }),
    ),
    timezone: blankOr(
      z
        .string()
        .max(64, { error: msg('validation.tooLong', { max: 64 }) })
        .regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/, { error: msg('validation.timezone') }),
    ),
  }),
  roles: z.array(z.enum(USER_ROLES)),
});
export type UserFormValues = z.input<typeof userFormSchema>;
export type UserFormOutput = z.output<typeof userFormSchema>;

export const USER_FORM_FIELDS = [
  'name',
  'profile.displayName',
  'profile.bio',
  'profile.avatarUrl',
  'profile.locale',
  'profile.timezone',
  'roles',
] as const;

export function userFormValues(user: User): UserFormValues {
  return {
    name: user.name,
    profile: {
      displayName: user.profile.displayName ?? '',
      bio: user.profile.bio ?? '',
      avatarUrl: user.profile.avatarUrl ?? '',
      locale: user.profile.locale ?? '',
      timezone: user.profile.timezone ?? '',
    },
    roles: [...user.roles],
  };
}

/**
 * The PATCH body. Profile fields are merged by the API; an empty avatar URL, locale or time zone
 * is left out (the API has no way to clear them: an empty value is not valid there).
 */
export function updateBody(values: UserFormOutput, withRoles: boolean): UpdateUser {
  const { displayName, bio, avatarUrl, locale, timezone } = values.profile;
  return {
    name: values.name,
    profile: {
      displayName,
      bio,
      ...(avatarUrl ? { avatarUrl } : {}),
      ...(locale ? { locale } : {}),
      ...(timezone ? { timezone } : {}),
    },
    ...(withRoles ? { roles: values.roles as UserRole[] } : {}),
  };
}

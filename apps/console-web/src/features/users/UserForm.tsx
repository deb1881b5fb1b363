import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Checkbox, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { type User, USER_ROLES } from '../../api/types';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { describeError, translateMessage } from '../../ui/messages';
import { useUpdateUser } from './queries';
import { updateBody, USER_FORM_FIELDS, type UserFormOutput, userFormSchema, type UserFormValues, userFormValues } from './user-schema';

export interface UserFormProps {
  user: User;
  /** Roles are shown to everyone but only admins change them. */
  canEditRoles: boolean;
}

/** Name, profile and (admins) roles of a user: `PATCH /api/v1/users/{id}`, API field errors under the fields. */
export function UserForm({ user, canEditRoles }: UserFormProps) {
  const { t } = useTranslation();
  const update = useUpdateUser(user.id);
  const [saved, setSaved] = useState(false);
  const form = useForm<UserFormValues, unknown, UserFormOutput>({
    resolver: zodResolver(userFormSchema),
    defaultValues: userFormValues(user),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  // a newer copy of the user (after saving, or from another tab) replaces the form's values when untouched
  useEffect(() => {
    if (!form.formState.isDirty) form.reset(userFormValues(user));
  }, [user, form]);

  const onSubmit = form.handleSubmit(async (values) => {
    setSaved(false);
    try {
      const updated = await update.mutateAsync(updateBody(values, canEditRoles));
      form.reset(userFormValues(updated));
      setSaved(true);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, USER_FORM_FIELDS);
      if (placed === 0 || unplaced.length > 0) {
        form.setError('root.server', { message: [describeError(t, error), ...unplaced].join(' ') });
      }
    }
  });

  const fieldError = (message: string | undefined) => translateMessage(t, message);

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm">
        {errors.root?.['server'] ? (
          <Alert color="red" variant="light">
            {errors.root['server'].message}
          </Alert>
        ) : null}
        {saved && !isDirty ? (
          <Alert color="green" variant="light" role="status">
            {t('common.saved')}
          </Alert>
        ) : null}
        <TextInput label={t('profile.name')} autoComplete="name" error={fieldError(errors.name?.message)} {...form.register('name')} />
        <TextInput
          label={t('profile.displayName')}
          autoComplete="nickname"
          error={fieldError(errors.profile?.displayName?.message)}
          {...form.register('profile.displayName')}
        />
        <Textarea
          label={t('profile.bio')}
          autosize
          minRows={2}
          maxRows={6}
          error={fieldError(errors.profile?.bio?.message)}
          {...form.register('profile.bio')}
        />
        <TextInput
          label={t('profile.avatarUrl')}
          type="url"
          autoComplete="photo"
          error={fieldError(errors.profile?.avatarUrl?.message)}
          {...form.register('profile.avatarUrl')}
        />
        <Group grow align="flex-start">
          <TextInput
            label={t('profile.locale')}
            description={t('profile.localeHint')}
            error={fieldError(errors.profile?.locale?.message)}
            {...form.register('profile.locale')}
          />
          <TextInput
            label={t('profile.timezone')}
            description={t('profile.timezoneHint')}
            error={fieldError(errors.profile?.timezone?.message)}
            {...form.register('profile.timezone')}
          />
        </Group>
        <Controller
          control={form.control}
          name="roles"
          render={({ field, fieldState }) => (
            <Checkbox.Group
              label={t('profile.roles')}
              value={field.value}
              onChange={(value) => field.onChange(value)}
              error={fieldError(fieldState.error?.message)}
            >
              <Group mt="xs">
                {USER_ROLES.map((role) => (
                  <Checkbox key={role} value={role} label={t(`users.role.${role}`)} disabled={!canEditRoles} />
                ))}
              </Group>
            </Checkbox.Group>
          )}
        />
        <Group>
          <Button type="submit" loading={isSubmitting} disabled={!isDirty}>
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

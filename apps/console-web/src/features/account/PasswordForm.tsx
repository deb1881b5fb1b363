import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { expectOk } from '../../api/client';
import { ApiError } from '../../api/errors';
import { useApi } from '../../app/services-context';
import { msg, newPasswordField, z } from '../../lib/zod';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { SecretInput } from '../../ui/SecretInput';
import { describeError, translateMessage } from '../../ui/messages';
import { sessionsKey } from './SessionsPanel';

/** ChangePasswordDto (currentPassword 1–128, newPassword 8–128) and a confirmation. */
const passwordSchema = z
  .object({
    currentPassword: z
      .string()
      .min(1, { error: msg('validation.required') })
      .max(128, { error: msg('validation.tooLong', { max: 128 }) }),
    newPassword: newPasswordField(),
    confirmPassword: z.string(),
  })
  .refine((values) => values.newPassword === values.confirmPassword, {
    path: ['confirmPassword'],
    error: msg('validation.passwordsDiffer'),
  });
type PasswordValues = z.infer<typeof passwordSchema>;

/** `POST /api/v1/auth/password`: the gateway keeps this session and ends the others. */
export function PasswordForm() {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const [changed, setChanged] = useState(false);
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      expectOk(api.POST('/api/v1/auth/password', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
  const form = useForm<PasswordValues>({
    resolver: zodResolver(passwordSchema),
    defaultValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ currentPassword, newPassword }) => {
    setChanged(false);
    try {
      await change.mutateAsync({ currentPassword, newPassword });
      form.reset();
      setChanged(true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        form.setError('currentPassword', { type: 'server', message: t('account.password.wrongCurrent') }, { shouldFocus: true });
        return;
      }
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, ['currentPassword', 'newPassword']);
      if (placed === 0 || unplaced.length > 0) {
        form.setError('root.server', { message: [describeError(t, error), ...unplaced].join(' ') });
      }
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack gap="sm" maw={420}>
        {errors.root?.['server'] ? (
          <Alert color="red" variant="light">
            {errors.root['server'].message}
          </Alert>
        ) : null}
        {changed ? (
          <Alert color="green" variant="light" role="status">
            {t('account.password.changed')}
          </Alert>
        ) : null}
        <SecretInput
          label={t('account.password.current')}
          autoComplete="current-password"
          error={translateMessage(t, errors.currentPassword?.message)}
          {...form.register('currentPassword')}
        />
        <SecretInput
          label={t('account.password.new')}
          description={t('auth.passwordHint')}
          autoComplete="new-password"
          error={translateMessage(t, errors.newPassword?.message)}
          {...form.register('newPassword')}
        />
        <SecretInput
          label={t('account.password.confirm')}
          description={t('account.password.confirmHint')}
          autoComplete="new-password"
          error={translateMessage(t, errors.confirmPassword?.message)}
          {...form.register('confirmPassword')}
        />
        <Group>
          <Button type="submit" loading={isSubmitting}>
            {t('account.password.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

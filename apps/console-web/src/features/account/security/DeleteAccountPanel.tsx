import { zodResolver } from '@hookform/resolvers/zod';
import { Button, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { expectOk } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import type { User } from '../../../api/types';
import { useApi, useSession } from '../../../app/services-context';
import { msg, z } from '../../../lib/zod';
import { FormAlert } from '../../../ui/FormAlert';
import { translateMessage } from '../../../ui/messages';
import { SecretInput } from '../../../ui/SecretInput';
import { checkSecondFactor, emptySecondFactor, secondFactorBody, secondFactorFailure, secondFactorShape } from '../../auth/second-factor';
import { SecondFactorInput } from '../../auth/SecondFactorInput';

/** DeleteAccountDto: the password (1–128), a second factor when two-factor is on; and the email typed to confirm. */
function deleteSchema(me: User) {
  return z
    .object({
      password: z
        .string()
        .min(1, { error: msg('validation.required') })
        .max(128, { error: msg('validation.tooLong', { max: 128 }) }),
      confirmation: z.string(),
      ...secondFactorShape,
    })
    .superRefine((values, ctx) => {
      if (me.mfaEnabled) checkSecondFactor(values, ctx);
      if (values.confirmation.trim().toLowerCase() !== me.email.toLowerCase()) {
        ctx.addIssue({ code: 'custom', path: ['confirmation'], message: msg('accountSecurity.typeMismatch', { email: me.email }) });
      }
    });
}
type DeleteValues = z.infer<ReturnType<typeof deleteSchema>>;

function DeleteAccountForm({ me, onCancel }: { me: User; onCancel: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const session = useSession();
  const form = useForm<DeleteValues>({
    resolver: zodResolver(deleteSchema(me)),
    defaultValues: { password: '', confirmation: '', ...emptySecondFactor },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await expectOk(
        api.DELETE('/api/v1/auth/me', { body: { password: values.password, ...(me.mfaEnabled ? secondFactorBody(values) : {}) } }),
      );
    } catch (error) {
      if (error instanceof ApiError && error.code === 'AUTH.INVALID_CREDENTIALS') {
        form.setError('password', { type: 'server', message: t('accountSecurity.wrongPassword') }, { shouldFocus: true });
      } else {
        const failure = secondFactorFailure(t, error);
        const field = values.useRecoveryCode ? 'recoveryCode' : 'code';
        form.setError(failure.onField ? field : 'root.server', { type: 'server', message: failure.message }, { shouldFocus: failure.onField });
      }
      return;
    }
    // every session has ended on the server: sign-in next, in every tab, saying why
    session.endEverywhere('deleted');
  });

  return (
    <FormProvider {...form}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('accountSecurity.deleteBody', { email: me.email })}</Text>
          <FormAlert message={errors.root?.['server']?.message} />
          <SecretInput
            label={t('accountSecurity.password')}
            autoComplete="current-password"
            data-autofocus
            error={translateMessage(t, errors.password?.message)}
            {...form.register('password')}
          />
          {me.mfaEnabled ? <SecondFactorInput /> : null}
          <TextInput
            label={t('accountSecurity.typeToConfirm')}
            description={me.email}
            autoComplete="off"
            spellCheck={false}
            error={translateMessage(t, errors.confirmation?.message)}
            {...form.register('confirmation')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" color="red" loading={isSubmitting}>
              {t('accountSecurity.deleteSubmit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </FormProvider>
  );
}

/** "Delete my account": a dialog asking for the password, the second factor and the email typed out, then `DELETE /api/v1/auth/me`. */
export function DeleteAccountPanel({ me }: { me: User }) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <Stack gap="sm" component="section" aria-labelledby="delete-account">
      <Title order={3} size="h5" id="delete-account">
        {t('accountSecurity.deleteHeading')}
      </Title>
      <Text size="sm">{t('accountSecurity.deleteIntro')}</Text>
      <Group>
        <Button color="red" variant="outline" onClick={() => setOpened(true)}>
          {t('accountSecurity.deleteButton')}
        </Button>
      </Group>
      <Modal
        opened={opened}
        onClose={() => setOpened(false)}
        title={t('accountSecurity.deleteTitle')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
        centered
      >
        {opened ? <DeleteAccountForm me={me} onCancel={() => setOpened(false)} /> : null}
      </Modal>
    </Stack>
  );
}

import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, CopyButton, Group, Image, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { expectOk, unwrap } from '../../../api/client';
import { ApiError } from '../../../api/errors';
import type { components } from '../../../api/schema';
import type { User } from '../../../api/types';
import { useApi } from '../../../app/services-context';
import { meQueryKey } from '../../../auth/useMe';
import { ErrorBanner } from '../../../ui/ErrorBanner';
import { FormAlert } from '../../../ui/FormAlert';
import { translateMessage } from '../../../ui/messages';
import {
  compactCode,
  emptySecondFactor,
  secondFactorBody,
  secondFactorFailure,
  secondFactorSchema,
  type SecondFactorValues,
  totpCodeSchema,
} from '../../auth/second-factor';
import { SecondFactorInput, TotpCodeInput } from '../../auth/SecondFactorInput';
import { RecoveryCodes } from './RecoveryCodes';
import { StatusHeading } from './StatusHeading';

type TotpSetup = components['schemas']['TotpSetupDto'];
type Step = { kind: 'idle' } | { kind: 'enrol'; setup: TotpSetup } | { kind: 'codes'; codes: string[] } | { kind: 'disable' };

function SubmitOrCancel({ label, color, loading, onCancel }: { label: string; color?: string; loading: boolean; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <Group>
      <Button type="submit" color={color} loading={loading}>
        {label}
      </Button>
      <Button variant="default" onClick={onCancel}>
        {t('accountSecurity.cancel')}
      </Button>
    </Group>
  );
}

/** The QR code and key of a new secret, and the first code that proves the app has it: `POST …/mfa/totp/confirm`. */
function EnrolForm({ setup, onEnabled, onCancel, onRestart }: { setup: TotpSetup; onEnabled: (codes: string[]) => void; onCancel: () => void; onRestart: (why: string) => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const heading = useRef<HTMLHeadingElement>(null);
  const form = useForm<{ code: string }>({ resolver: zodResolver(totpCodeSchema), defaultValues: { code: '' } });
  const { errors, isSubmitting } = form.formState;
  useEffect(() => heading.current?.focus(), []);

  const onSubmit = form.handleSubmit(async ({ code }) => {
    try {
      const { recoveryCodes } = await unwrap(api.POST('/api/v1/auth/mfa/totp/confirm', { body: { code: compactCode(code) } }));
      onEnabled(recoveryCodes);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'AUTH.MFA_SETUP_REQUIRED') onRestart(t('accountSecurity.setupExpired'));
      else if (error instanceof ApiError && error.code === 'AUTH.MFA_ALREADY_ENABLED') onRestart(t('accountSecurity.alreadyOn'));
      else {
        const failure = secondFactorFailure(t, error);
        form.setError(failure.onField ? 'code' : 'root.server', { type: 'server', message: failure.message }, { shouldFocus: failure.onField });
      }
    }
  });

  return (
    <Stack gap="sm">
      <Title order={4} size="h5" ref={heading} tabIndex={-1}>
        {t('accountSecurity.scanHeading')}
      </Title>
      <Text size="sm">{t('accountSecurity.scanIntro')}</Text>
      <Image src={setup.qrCode} alt={t('accountSecurity.qrAlt')} w={200} h={200} fit="contain" />
      <Group gap="sm" align="flex-end" wrap="nowrap" maw={520}>
        <TextInput label={t('accountSecurity.secret')} value={setup.secret} readOnly styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} style={{ flex: 1 }} />
        <CopyButton value={setup.secret}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? t('accountSecurity.copied') : t('accountSecurity.copy')}
            </Button>
          )}
        </CopyButton>
      </Group>
      <FormAlert message={errors.root?.['server']?.message} />
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm" maw={320}>
          <TotpCodeInput error={translateMessage(t, errors.code?.message)} {...form.register('code')} />
          <SubmitOrCancel label={t('accountSecurity.turnOn')} loading={isSubmitting} onCancel={onCancel} />
        </Stack>
      </form>
    </Stack>
  );
}

/** `DELETE /api/v1/auth/mfa/totp` with a current code or a recovery code. */
function DisableForm({ onDisabled, onCancel }: { onDisabled: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const api = useApi();
  const form = useForm<SecondFactorValues>({ resolver: zodResolver(secondFactorSchema), defaultValues: emptySecondFactor });
  const { errors, isSubmitting } = form.formState;
  useEffect(() => form.setFocus('code'), [form]);

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await expectOk(api.DELETE('/api/v1/auth/mfa/totp', { body: secondFactorBody(values) }));
      onDisabled();
    } catch (error) {
      const failure = secondFactorFailure(t, error);
      const field = values.useRecoveryCode ? 'recoveryCode' : 'code';
      form.setError(failure.onField ? field : 'root.server', { type: 'server', message: failure.message }, { shouldFocus: failure.onField });
    }
  });

  return (
    <FormProvider {...form}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm" maw={360}>
          <Text size="sm">{t('accountSecurity.turnOffIntro')}</Text>
          <FormAlert message={errors.root?.['server']?.message} />
          <SecondFactorInput />
          <SubmitOrCancel label={t('accountSecurity.turnOffSubmit')} color="red" loading={isSubmitting} onCancel={onCancel} />
        </Stack>
      </form>
    </FormProvider>
  );
}

/**
 * Two-factor authentication (TOTP): enrol (`POST …/mfa/totp/setup`, the QR code, the first code,
 * then the recovery codes, shown once), or turn it off.
 */
export function TwoFactorPanel({ me }: { me: User }) {
  const { t } = useTranslation();
  const api = useApi();
  const queryClient = useQueryClient();
  const { hash } = useLocation();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [notice, setNotice] = useState<{ color: 'green' | 'yellow'; text: string } | null>(null);
  const section = useRef<HTMLDivElement>(null);
  const refreshMe = () => void queryClient.invalidateQueries({ queryKey: meQueryKey });
  const setup = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/mfa/totp/setup')),
    onSuccess: (answer) => setStep({ kind: 'enrol', setup: answer }),
  });

  // the link of the "two-factor authentication required" message
  useEffect(() => {
    if (hash === '#two-factor') section.current?.scrollIntoView();
  }, [hash]);

  const restart = (why: string) => {
    setStep({ kind: 'idle' });
    setNotice({ color: 'yellow', text: why });
    refreshMe();
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="two-factor" ref={section}>
      <StatusHeading
        id="two-factor"
        title={t('accountSecurity.twoFactorHeading')}
        status={me.mfaEnabled ? t('accountSecurity.on') : t('accountSecurity.off')}
        good={me.mfaEnabled}
      />
      {notice ? (
        <Alert color={notice.color} variant="light" role="status">
          {notice.text}
        </Alert>
      ) : null}
      {step.kind === 'codes' ? (
        <RecoveryCodes
          codes={step.codes}
          onDone={() => {
            setStep({ kind: 'idle' });
            setNotice({ color: 'green', text: t('accountSecurity.enabled') });
          }}
        />
      ) : step.kind === 'enrol' ? (
        <EnrolForm
          setup={step.setup}
          onEnabled={(codes) => {
            setStep({ kind: 'codes', codes });
            refreshMe();
          }}
          onCancel={() => setStep({ kind: 'idle' })}
          onRestart={restart}
        />
      ) : step.kind === 'disable' ? (
        <DisableForm
          onDisabled={() => {
            setStep({ kind: 'idle' });
            setNotice({ color: 'green', text: t('accountSecurity.disabled') });
            refreshMe();
          }}
          onCancel={() => setStep({ kind: 'idle' })}
        />
      ) : me.mfaEnabled ? (
        <>
          <Text size="sm">{t('accountSecurity.twoFactorOnHint')}</Text>
          <Group>
            <Button
              variant="default"
              onClick={() => {
                setNotice(null);
                setStep({ kind: 'disable' });
              }}
            >
              {t('accountSecurity.turnOff')}
            </Button>
          </Group>
        </>
      ) : (
        <>
          <Text size="sm">{t('accountSecurity.twoFactorOffHint')}</Text>
          {setup.isError ? <ErrorBanner error={setup.error} /> : null}
          <Group>
            <Button
              onClick={() => {
                setNotice(null);
                setup.mutate();
              }}
              loading={setup.isPending}
            >
              {t('accountSecurity.setUp')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

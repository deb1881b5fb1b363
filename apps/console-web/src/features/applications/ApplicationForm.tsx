import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Checkbox, Group, Radio, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { applyServerFieldErrors } from '../../ui/form-errors';
import { describeError, translateMessage } from '../../ui/messages';
import type { Application, CreateApplication } from './queries';
import {
  APPLICATION_FORM_FIELDS,
  applicationBody,
  type ApplicationFormOutput,
  applicationFormSchema,
  type ApplicationFormValues,
  applicationFormValues,
  GRANT_TYPES,
  SCOPES,
} from './schema';

export interface ApplicationFormProps {
  /** The application being changed (its type is fixed); none for a registration. */
  application?: Application;
  submitLabel: string;
  onSubmit: (body: CreateApplication) => Promise<Application>;
}

/** An application's registration: API field errors (including the cross-field rules) under their fields. */
export function ApplicationForm({ application, submitLabel, onSubmit }: ApplicationFormProps) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const form = useForm<ApplicationFormValues, unknown, ApplicationFormOutput>({
    resolver: zodResolver(applicationFormSchema),
    defaultValues: applicationFormValues(application),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  useEffect(() => {
    if (application && !form.formState.isDirty) form.reset(applicationFormValues(application));
  }, [application, form]);

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    const { type, ...body } = applicationBody(values);
    try {
      // a change never sends the type: the API refuses to change it
      const result = await onSubmit(application ? (body as CreateApplication) : { type, ...body });
      form.reset(applicationFormValues(result));
      setSaved(true);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, APPLICATION_FORM_FIELDS);
      if (placed === 0 || unplaced.length > 0) form.setError('root.server', { message: [describeError(t, error), ...unplaced].join(' ') });
    }
  });
  const fieldError = (message: string | undefined) => translateMessage(t, message);

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {errors.root?.['server'] ? (
          <Alert color="red" variant="light">
            {errors.root['server'].message}
          </Alert>
        ) : null}
        {saved && !isDirty && application ? (
          <Alert color="green" variant="light" role="status">
            {t('common.saved')}
          </Alert>
        ) : null}
        <TextInput label={t('applications.name')} required error={fieldError(errors.name?.message)} {...form.register('name')} />
        <Controller
          control={form.control}
          name="type"
          render={({ field, fieldState }) => (
            <Radio.Group label={t('applications.type')} value={field.value} onChange={field.onChange} error={fieldError(fieldState.error?.message)}>
              <Stack gap={6} mt="xs">
                <Radio value="confidential" label={t('applications.typeConfidential')} disabled={application !== undefined} />
                <Radio value="public" label={t('applications.typePublic')} disabled={application !== undefined} />
              </Stack>
            </Radio.Group>
          )}
        />
        <Textarea
          label={t('applications.redirectUris')}
          description={t('applications.redirectUrisHint')}
          autosize
          minRows={2}
          error={fieldError(errors.redirectUris?.message)}
          {...form.register('redirectUris')}
        />
        <Textarea
          label={t('applications.postLogoutRedirectUris')}
          autosize
          minRows={1}
          error={fieldError(errors.postLogoutRedirectUris?.message)}
          {...form.register('postLogoutRedirectUris')}
        />
        <Controller
          control={form.control}
          name="grantTypes"
          render={({ field, fieldState }) => (
            <Checkbox.Group label={t('applications.grantTypes')} value={field.value} onChange={field.onChange} error={fieldError(fieldState.error?.message)}>
              <Group mt="xs">
                {GRANT_TYPES.map((grant) => (
                  <Checkbox key={grant} value={grant} label={grant} />
                ))}
              </Group>
            </Checkbox.Group>
          )}
        />
        <Controller
          control={form.control}
          name="scopes"
          render={({ field, fieldState }) => (
            <Checkbox.Group label={t('applications.scopes')} value={field.value} onChange={field.onChange} error={fieldError(fieldState.error?.message)}>
              <Group mt="xs">
                {SCOPES.map((scope) => (
                  <Checkbox key={scope} value={scope} label={scope} />
                ))}
              </Group>
            </Checkbox.Group>
          )}
        />
        <TextInput label={t('applications.homepageUrl')} type="url" error={fieldError(errors.homepageUrl?.message)} {...form.register('homepageUrl')} />
        <Group>
          <Button type="submit" loading={isSubmitting} disabled={application !== undefined && !isDirty}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { applyServerFieldErrors } from '../../../ui/form-errors';
import { describeError, translateMessage } from '../../../ui/messages';
import type { CreateApplication, Application } from './queries';
import {
  applicationBody,
  APPLICATION_FORM_FIELDS,
  type ApplicationFormOutput,
  applicationFormSchema,
  type ApplicationFormValues,
  applicationFormValues,
} from './schema';

export interface ApplicationFormProps {
  /** The application being changed; none for a new one. */
  application?: Application;
  submitLabel: string;
  /** Sends the body to the API; the form shows the API's field errors under its fields. */
  onSubmit: (body: CreateApplication) => Promise<Application>;
}

/** Name and description of an application, validated as the API validates them. */
export function ApplicationForm({ application, submitLabel, onSubmit }: ApplicationFormProps) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const form = useForm<ApplicationFormValues, unknown, ApplicationFormOutput>({
    resolver: zodResolver(applicationFormSchema),
    defaultValues: applicationFormValues(application),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  // a newer copy (after saving, or from another tab) replaces the values when the form is untouched
  useEffect(() => {
    if (application && !form.formState.isDirty) form.reset(applicationFormValues(application));
  }, [application, form]);

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    try {
      const result = await onSubmit(applicationBody(values));
      form.reset(applicationFormValues(result));
      setSaved(true);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, APPLICATION_FORM_FIELDS);
      if (placed === 0 || unplaced.length > 0) {
        form.setError('root.server', { message: [describeError(t, error), ...unplaced].join(' ') });
      }
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
        <TextInput label={t('applicationsApplications.name')} required error={fieldError(errors.name?.message)} {...form.register('name')} />
        <Textarea
          label={t('applicationsApplications.description')}
          autosize
          minRows={2}
          maxRows={8}
          error={fieldError(errors.description?.message)}
          {...form.register('description')}
        />
        <Group>
          <Button type="submit" loading={isSubmitting} disabled={application !== undefined && !isDirty}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

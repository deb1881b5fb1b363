import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { applyServerFieldErrors } from '../../../ui/form-errors';
import { describeError, translateMessage } from '../../../ui/messages';
import type { CreateReport, Report } from './queries';
import {
  reportBody,
  REPORT_FORM_FIELDS,
  type ReportFormOutput,
  reportFormSchema,
  type ReportFormValues,
  reportFormValues,
} from './schema';

export interface ReportFormProps {
  /** The report being changed; none for a new one. */
  report?: Report;
  submitLabel: string;
  /** Sends the body to the API; the form shows the API's field errors under its fields. */
  onSubmit: (body: CreateReport) => Promise<Report>;
}

/** Name and description of a report, validated as the API validates them. */
export function ReportForm({ report, submitLabel, onSubmit }: ReportFormProps) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const form = useForm<ReportFormValues, unknown, ReportFormOutput>({
    resolver: zodResolver(reportFormSchema),
    defaultValues: reportFormValues(report),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  // a newer copy (after saving, or from another tab) replaces the values when the form is untouched
  useEffect(() => {
    if (report && !form.formState.isDirty) form.reset(reportFormValues(report));
  }, [report, form]);

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    try {
      const result = await onSubmit(reportBody(values));
      form.reset(reportFormValues(result));
      setSaved(true);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, REPORT_FORM_FIELDS);
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
        {saved && !isDirty && report ? (
          <Alert color="green" variant="light" role="status">
            {t('common.saved')}
          </Alert>
        ) : null}
        <TextInput label={t('statisticsReports.name')} required error={fieldError(errors.name?.message)} {...form.register('name')} />
        <Textarea
          label={t('statisticsReports.description')}
          autosize
          minRows={2}
          maxRows={8}
          error={fieldError(errors.description?.message)}
          {...form.register('description')}
        />
        <Group>
          <Button type="submit" loading={isSubmitting} disabled={report !== undefined && !isDirty}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

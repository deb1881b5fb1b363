import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Radio, SimpleGrid, Stack, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api/errors';
import { applyServerFieldErrors } from '../../../ui/form-errors';
import { describeError, translateMessage } from '../../../ui/messages';
import { type CreateReport, REPORT_FORMATS, REPORT_KINDS, type Report } from './queries';
import { defaultReportValues, reportBody, REPORT_FORM_FIELDS, type ReportFormOutput, reportFormSchema, type ReportFormValues } from './schema';

export interface ReportFormProps {
  /** Sends the body to the API; the form shows the API's refusals in words. */
  onSubmit: (body: CreateReport) => Promise<Report>;
}

/** What to say about a refused report: the statistics service's codes in words, else the usual. */
function reportError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && error.code === 'STATISTICS.TOO_MANY_REPORTS') return t('statisticsReports.errors.tooMany');
  if (error instanceof ApiError && error.code === 'STATISTICS.INVALID_RANGE') return t('statisticsReports.errors.invalidRange', { message: error.message });
  return describeError(t, error);
}

/** Kind, first and last UTC day, and format of a new report, validated as the API validates them. */
export function ReportForm({ onSubmit }: ReportFormProps) {
  const { t } = useTranslation();
  const [requested, setRequested] = useState<string | null>(null);
  const form = useForm<ReportFormValues, unknown, ReportFormOutput>({
    resolver: zodResolver(reportFormSchema),
    defaultValues: defaultReportValues(),
  });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async (values) => {
    setRequested(null);
    try {
      const report = await onSubmit(reportBody(values));
      setRequested(report.filename);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, REPORT_FORM_FIELDS);
      if (placed === 0 || unplaced.length > 0) {
        form.setError('root.server', { message: [reportError(t, error), ...unplaced].join(' ') });
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
        <Controller
          control={form.control}
          name="kind"
          render={({ field }) => (
            <Radio.Group label={t('statisticsReports.create.kind')} value={field.value} onChange={field.onChange}>
              <Stack gap="xs" mt={4}>
                {REPORT_KINDS.map((kind) => (
                  <Radio key={kind} value={kind} label={t(`statisticsReports.kinds.${kind}`)} description={t(`statisticsReports.create.kindHints.${kind}`)} />
                ))}
              </Stack>
            </Radio.Group>
          )}
        />
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" maw={480}>
          <TextInput
            type="date"
            label={t('statisticsReports.create.from')}
            description={t('statisticsReports.create.fromHint')}
            required
            error={fieldError(errors.from?.message)}
            {...form.register('from')}
          />
          <TextInput
            type="date"
            label={t('statisticsReports.create.to')}
            description={t('statisticsReports.create.toHint')}
            required
            error={fieldError(errors.to?.message)}
            {...form.register('to')}
          />
        </SimpleGrid>
        <Controller
          control={form.control}
          name="format"
          render={({ field }) => (
            <Radio.Group label={t('statisticsReports.create.format')} value={field.value} onChange={field.onChange}>
              <Group gap="md" mt={4}>
                {REPORT_FORMATS.map((format) => (
                  <Radio key={format} value={format} label={t(`statisticsReports.formats.${format}`)} />
                ))}
              </Group>
            </Radio.Group>
          )}
        />
        {requested ? (
          <Alert color="teal" variant="light" role="status">
            {t('statisticsReports.create.requested', { name: requested })}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" loading={isSubmitting}>
            {t('statisticsReports.create.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

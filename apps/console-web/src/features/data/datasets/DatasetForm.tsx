import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { applyServerFieldErrors } from '../../../ui/form-errors';
import { describeError, translateMessage } from '../../../ui/messages';
import type { CreateDataset, Dataset } from './queries';
import {
  datasetBody,
  DATASET_FORM_FIELDS,
  type DatasetFormOutput,
  datasetFormSchema,
  type DatasetFormValues,
  datasetFormValues,
} from './schema';

export interface DatasetFormProps {
  /** The dataset being changed; none for a new one. */
  dataset?: Dataset;
  submitLabel: string;
  /** Sends the body to the API; the form shows the API's field errors under its fields. */
  onSubmit: (body: CreateDataset) => Promise<Dataset>;
}

/** Name and description of a dataset, validated as the API validates them. */
export function DatasetForm({ dataset, submitLabel, onSubmit }: DatasetFormProps) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const form = useForm<DatasetFormValues, unknown, DatasetFormOutput>({
    resolver: zodResolver(datasetFormSchema),
    defaultValues: datasetFormValues(dataset),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  // a newer copy (after saving, or from another tab) replaces the values when the form is untouched
  useEffect(() => {
    if (dataset && !form.formState.isDirty) form.reset(datasetFormValues(dataset));
  }, [dataset, form]);

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    try {
      const result = await onSubmit(datasetBody(values));
      form.reset(datasetFormValues(result));
      setSaved(true);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, DATASET_FORM_FIELDS);
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
        {saved && !isDirty && dataset ? (
          <Alert color="green" variant="light" role="status">
            {t('common.saved')}
          </Alert>
        ) : null}
        <TextInput label={t('dataDatasets.name')} required error={fieldError(errors.name?.message)} {...form.register('name')} />
        <Textarea
          label={t('dataDatasets.description')}
          autosize
          minRows={2}
          maxRows={8}
          error={fieldError(errors.description?.message)}
          {...form.register('description')}
        />
        <Group>
          <Button type="submit" loading={isSubmitting} disabled={dataset !== undefined && !isDirty}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

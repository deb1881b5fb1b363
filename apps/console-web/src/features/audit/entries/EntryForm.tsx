import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { applyServerFieldErrors } from '../../../ui/form-errors';
import { describeError, translateMessage } from '../../../ui/messages';
import type { CreateEntry, Entry } from './queries';
import {
  entryBody,
  ENTRY_FORM_FIELDS,
  type EntryFormOutput,
  entryFormSchema,
  type EntryFormValues,
  entryFormValues,
} from './schema';

export interface EntryFormProps {
  /** The entry being changed; none for a new one. */
  entry?: Entry;
  submitLabel: string;
  /** Sends the body to the API; the form shows the API's field errors under its fields. */
  onSubmit: (body: CreateEntry) => Promise<Entry>;
}

/** Name and description of an entry, validated as the API validates them. */
export function EntryForm({ entry, submitLabel, onSubmit }: EntryFormProps) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const form = useForm<EntryFormValues, unknown, EntryFormOutput>({
    resolver: zodResolver(entryFormSchema),
    defaultValues: entryFormValues(entry),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  // a newer copy (after saving, or from another tab) replaces the values when the form is untouched
  useEffect(() => {
    if (entry && !form.formState.isDirty) form.reset(entryFormValues(entry));
  }, [entry, form]);

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    try {
      const result = await onSubmit(entryBody(values));
      form.reset(entryFormValues(result));
      setSaved(true);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, ENTRY_FORM_FIELDS);
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
        {saved && !isDirty && entry ? (
          <Alert color="green" variant="light" role="status">
            {t('common.saved')}
          </Alert>
        ) : null}
        <TextInput label={t('auditEntries.name')} required error={fieldError(errors.name?.message)} {...form.register('name')} />
        <Textarea
          label={t('auditEntries.description')}
          autosize
          minRows={2}
          maxRows={8}
          error={fieldError(errors.description?.message)}
          {...form.register('description')}
        />
        <Group>
          <Button type="submit" loading={isSubmitting} disabled={entry !== undefined && !isDirty}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

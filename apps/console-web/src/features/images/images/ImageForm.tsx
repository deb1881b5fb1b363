import { zodResolver } from '@hookform/resolvers/zod';
import { Alert, Button, Group, Stack, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { applyServerFieldErrors } from '../../../ui/form-errors';
import { describeError, translateMessage } from '../../../ui/messages';
import type { CreateImage, Image } from './queries';
import {
  imageBody,
  IMAGE_FORM_FIELDS,
  type ImageFormOutput,
  imageFormSchema,
  type ImageFormValues,
  imageFormValues,
} from './schema';

export interface ImageFormProps {
  /** The image being changed; none for a new one. */
  image?: Image;
  submitLabel: string;
  /** Sends the body to the API; the form shows the API's field errors under its fields. */
  onSubmit: (body: CreateImage) => Promise<Image>;
}

/** Name and description of an image, validated as the API validates them. */
export function ImageForm({ image, submitLabel, onSubmit }: ImageFormProps) {
  const { t } = useTranslation();
  const [saved, setSaved] = useState(false);
  const form = useForm<ImageFormValues, unknown, ImageFormOutput>({
    resolver: zodResolver(imageFormSchema),
    defaultValues: imageFormValues(image),
  });
  const { errors, isSubmitting, isDirty } = form.formState;

  // a newer copy (after saving, or from another tab) replaces the values when the form is untouched
  useEffect(() => {
    if (image && !form.formState.isDirty) form.reset(imageFormValues(image));
  }, [image, form]);

  const submit = form.handleSubmit(async (values) => {
    setSaved(false);
    try {
      const result = await onSubmit(imageBody(values));
      form.reset(imageFormValues(result));
      setSaved(true);
    } catch (error) {
      const { placed, unplaced } = applyServerFieldErrors(error, form.setError, IMAGE_FORM_FIELDS);
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
        {saved && !isDirty && image ? (
          <Alert color="green" variant="light" role="status">
            {t('common.saved')}
          </Alert>
        ) : null}
        <TextInput label={t('imagesImages.name')} required error={fieldError(errors.name?.message)} {...form.register('name')} />
        <Textarea
          label={t('imagesImages.description')}
          autosize
          minRows={2}
          maxRows={8}
          error={fieldError(errors.description?.message)}
          {...form.register('description')}
        />
        <Group>
          <Button type="submit" loading={isSubmitting} disabled={image !== undefined && !isDirty}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

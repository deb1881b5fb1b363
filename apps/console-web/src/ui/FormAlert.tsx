import { Alert } from '@mantine/core';

/** The form-level failure of a submission (`errors.root.server`), announced as it appears; nothing without one. */
export function FormAlert({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <Alert color="red" variant="light" role="alert">
      {message}
    </Alert>
  );
}

import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ErrorBanner } from './ErrorBanner';

export interface ConfirmDialogProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What will happen, in a sentence or two. */
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  loading?: boolean;
  /** The last failure of the action, shown in the dialog (it stays open). */
  error?: unknown;
  /** Red for what cannot be undone. */
  danger?: boolean;
}

/** "Are you sure?" before an action: Cancel, or the action itself; its failure shown in place. */
export function ConfirmDialog({ opened, onClose, title, body, confirmLabel, onConfirm, loading = false, error, danger = false }: ConfirmDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={title} closeButtonProps={{ 'aria-label': t('common.close') }} centered>
      <Stack gap="md">
        <Text size="sm">{body}</Text>
        {error ? <ErrorBanner error={error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color={danger ? 'red' : undefined} onClick={onConfirm} loading={loading}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

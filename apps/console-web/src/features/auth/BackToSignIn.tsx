import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** "Back to sign-in", under the forms reached from the sign-in screen or a mail. */
export function BackToSignIn() {
  const { t } = useTranslation();
  return (
    <Text size="sm">
      <Anchor component={Link} to="/login">
        {t('authSecurity.backToSignIn')}
      </Anchor>
    </Text>
  );
}

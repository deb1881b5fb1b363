import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** `<title>` of the screen: "Users · site11 console". */
export function usePageTitle(title: string): void {
  const { t } = useTranslation();
  const app = t('app.name');
  useEffect(() => {
    document.title = title ? `${title} · ${app}` : app;
  }, [title, app]);
}

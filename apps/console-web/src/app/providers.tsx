import { MantineProvider } from '@mantine/core';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { i18n as I18n } from 'i18next';
import { type ReactNode, useEffect } from 'react';
import { I18nextProvider } from 'react-i18next';
import type { Services } from './services';
import { ServicesProvider } from './services-context';
import { cssVariablesResolver, theme } from './theme';

export interface AppProvidersProps {
  services: Services;
  i18n: I18n;
  queryClient: QueryClient;
  /** Mantine's test mode: no transitions, portals kept in the tree. */
  testMode?: boolean;
  children: ReactNode;
}

/** Cached data belongs to one user: dropped when the session ends or another user signs in (another tab). */
function ForgetOtherUsersData({ services, queryClient }: { services: Services; queryClient: QueryClient }) {
  useEffect(() => {
    let previous = services.session.snapshot();
    return services.session.subscribe(() => {
      const next = services.session.snapshot();
      const userChanged = previous.subject !== null && next.subject !== null && previous.subject !== next.subject;
      if ((previous.status === 'signedIn' && next.status === 'signedOut') || userChanged) queryClient.clear();
      previous = next;
    });
  }, [services, queryClient]);
  return null;
}

export function AppProviders({ services, i18n, queryClient, testMode = false, children }: AppProvidersProps) {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light" env={testMode ? 'test' : 'default'}>
      <I18nextProvider i18n={i18n}>
        <QueryClientProvider client={queryClient}>
          <ServicesProvider services={services}>
            <ForgetOtherUsersData services={services} queryClient={queryClient} />
            {children}
          </ServicesProvider>
        </QueryClientProvider>
      </I18nextProvider>
    </MantineProvider>
  );
}

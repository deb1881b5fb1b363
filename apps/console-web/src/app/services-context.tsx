import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { ApiClient } from '../api/client';
import type { AuthSession, SessionSnapshot } from '../auth/session';
import type { Services } from './services';

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesProvider>');
  return services;
}

export function useApi(): ApiClient {
  return useServices().api;
}

export function useSession(): AuthSession {
  return useServices().session;
}

/** The auth state, re-rendering on every change (sign-in, refresh, sign-out, other tabs). */
export function useAuth(): SessionSnapshot {
  const session = useSession();
  return useSyncExternalStore(session.subscribe, session.snapshot, session.snapshot);
}

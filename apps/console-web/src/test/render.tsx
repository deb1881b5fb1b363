import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import type { User } from '../api/types';
import { AppProviders } from '../app/providers';
import { routes } from '../app/routes';
import { createServices } from '../app/services';
import { createI18n, type Language } from '../i18n';
import { grant, type Handler, json, mockGateway } from './api-mock';

export interface RenderAppOptions {
  /** Signed in as this user (the refresh cookie works), or signed out. */
  user?: User;
  handlers?: Record<string, Handler>;
  language?: Language;
}

/** The whole console at `path`, against a fake gateway, with the session restored as on a page load. */
export async function renderApp(path: string, options: RenderAppOptions = {}) {
  const gateway = mockGateway({
    'POST /api/v1/console/session/refresh': () =>
      options.user ? grant() : json(401, { statusCode: 401, code: 'AUTH.INVALID_REFRESH_TOKEN', message: 'No console session', requestId: 'r' }),
    ...(options.user ? { 'GET /api/v1/auth/me': () => json(200, options.user) } : {}),
    'DELETE /api/v1/console/session': () => json(204),
    ...options.handlers,
  });
  const services = createServices({ baseUrl: 'http://localhost', fetch: gateway.fetch, locks: null, channel: null });
  const i18n = createI18n(options.language ?? 'en');
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  await services.session.start();
  const user = userEvent.setup();
  const view = render(
    <AppProviders services={services} i18n={i18n} queryClient={queryClient} testMode>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { ...view, gateway, services, router, queryClient, i18n, user };
}

import { lazy } from 'react';
import { Outlet, type RouteObject } from 'react-router';
import { PageSkeleton } from '../ui/Skeletons';
import { PublicOnly, RequireAdmin, RequireAuth } from './guards';
import { PublicFrame } from './PublicFrame';
import { RouteError } from './RouteError';
import { useAuth } from './services-context';
import { Shell } from './Shell';

// Every screen is its own chunk, loaded when first shown: the initial JS is the shell only.
const LoginPage = lazy(() => import('../features/auth/LoginPage'));
const RegisterPage = lazy(() => import('../features/auth/RegisterPage'));
const ForgotPasswordPage = lazy(() => import('../features/auth/ForgotPasswordPage'));
const ResetPasswordPage = lazy(() => import('../features/auth/ResetPasswordPage'));
const VerifyEmailPage = lazy(() => import('../features/auth/VerifyEmailPage'));
const DashboardPage = lazy(() => import('../features/dashboard/DashboardPage'));
const UsersPage = lazy(() => import('../features/users/UsersPage'));
const UserDetailPage = lazy(() => import('../features/users/UserDetailPage'));
const AccountPage = lazy(() => import('../features/account/AccountPage'));
const ApplicationsPage = lazy(() => import('../features/applications/ApplicationsPage'));
const NewApplicationPage = lazy(() => import('../features/applications/NewApplicationPage'));
const ApplicationPage = lazy(() => import('../features/applications/ApplicationPage'));
const ImagesPage = lazy(() => import('../features/images/ImagesPage'));
const ImagePage = lazy(() => import('../features/images/ImagePage'));
const DataDatasetsPage = lazy(() => import('../features/data/datasets/DatasetsPage'));
const DataNewDatasetPage = lazy(() => import('../features/data/datasets/NewDatasetPage'));
const DataDatasetPage = lazy(() => import('../features/data/datasets/DatasetPage'));
const StatisticsPage = lazy(() => import('../features/statistics/StatisticsPage'));
const StatisticsReportsPage = lazy(() => import('../features/statistics/reports/ReportsPage'));
const AuditLogPage = lazy(() => import('../features/audit/AuditLogPage'));
// <nx-plugin:screen-imports>
const NotFoundPage = lazy(() => import('../features/not-found/NotFoundPage'));

function PublicScreens() {
  return (
    <PublicFrame>
      <Outlet />
    </PublicFrame>
  );
}

/** Unknown addresses: inside the shell when signed in, else on their own. */
function NotFoundRoute() {
  const { status } = useAuth();
  if (status === 'unknown') return <PageSkeleton />;
  if (status === 'signedIn') {
    return (
      <Shell>
        <NotFoundPage />
      </Shell>
    );
  }
  return (
    <PublicFrame>
      <NotFoundPage />
    </PublicFrame>
  );
}

/**
 * The console's screens. A new screen: a lazy page here (under the shell; wrapped in
 * RequireAdmin if it is for admins), an entry in nav.ts, its texts in i18n/en.ts and ko.ts.
 */
export const routes: RouteObject[] = [
  {
    path: '/',
    errorElement: <RouteError />,
    children: [
      {
        element: <PublicOnly />,
        children: [
          {
            element: <PublicScreens />,
            children: [
              { path: 'login', element: <LoginPage /> },
              { path: 'register', element: <RegisterPage /> },
              { path: 'forgot-password', element: <ForgotPasswordPage /> },
            ],
          },
        ],
      },
      // the links of the mails (`<PUBLIC_URL>/verify-email?token=…`, `/reset-password?token=…`):
      // signed in or not, and without waiting for the session to be restored
      {
        element: <PublicScreens />,
        children: [
          { path: 'verify-email', element: <VerifyEmailPage /> },
          { path: 'reset-password', element: <ResetPasswordPage /> },
        ],
      },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <Shell />,
            children: [
              {
                index: true,
                element: (
                  <RequireAdmin>
                    <DashboardPage />
                  </RequireAdmin>
                ),
              },
              {
                path: 'users',
                element: (
                  <RequireAdmin>
                    <UsersPage />
                  </RequireAdmin>
                ),
              },
              {
                path: 'users/:id',
                element: (
                  <RequireAdmin>
                    <UserDetailPage />
                  </RequireAdmin>
                ),
              },
              { path: 'account', element: <AccountPage /> },
              { path: 'applications', element: <ApplicationsPage /> },
              { path: 'applications/new', element: <NewApplicationPage /> },
              { path: 'applications/:id', element: <ApplicationPage /> },
              { path: 'images', element: <ImagesPage /> },
              { path: 'images/:id', element: <ImagePage /> },
              { path: 'data/datasets', element: <DataDatasetsPage /> },
              { path: 'data/datasets/new', element: <DataNewDatasetPage /> },
              { path: 'data/datasets/:id', element: <DataDatasetPage /> },
              { path: 'statistics', element: <StatisticsPage /> },
              { path: 'statistics/reports', element: <StatisticsReportsPage /> },
              {
                path: 'audit',
                element: (
                  <RequireAdmin>
                    <AuditLogPage />
                  </RequireAdmin>
                ),
              },
              // <nx-plugin:screens>
            ],
          },
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { isAdmin, useMe } from '../auth/useMe';
import { PageSkeleton } from '../ui/Skeletons';
import { useAuth } from './services-context';

interface FromState {
  from?: string;
}

/** Screens of signed-in users: waits for the session to be restored, else goes to sign-in. */
export function RequireAuth() {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'unknown') return <PageSkeleton />;
  if (status === 'signedOut') {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/login" replace state={{ from } satisfies FromState} />;
  }
  return <Outlet />;
}

/** Sign-in and registration: a signed-in user goes on to where they were going. */
export function PublicOnly() {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'unknown') return <PageSkeleton />;
  if (status === 'signedIn') {
    const from = (location.state as FromState | null)?.from;
    return <Navigate to={from && from.startsWith('/') && !from.startsWith('//') ? from : '/'} replace />;
  }
  return <Outlet />;
}

/** Admin screens: anyone else is sent to their own account. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const me = useMe();
  if (me.data) return isAdmin(me.data) ? children : <Navigate to="/account" replace />;
  // the shell shows why (with Retry) above
  if (me.isError) return null;
  return <PageSkeleton />;
}

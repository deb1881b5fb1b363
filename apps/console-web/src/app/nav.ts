import type { ParseKeys } from 'i18next';

export interface NavItem {
  to: string;
  /** i18n key of the label. */
  label: ParseKeys;
  adminOnly: boolean;
  /** Active only on this exact path (not its children). */
  end?: boolean;
}

/**
 * The side navigation, in order. A new screen adds its entry here (and its route in routes.tsx).
 * Non-admins do not see admin screens: `/` and `/users` send them to My account.
 */
export const NAV_ITEMS: NavItem[] = [
  { to: '/', label: 'nav.dashboard', adminOnly: true, end: true },
  { to: '/users', label: 'nav.users', adminOnly: true },
  { to: '/applications', label: 'applications.nav', adminOnly: false },
  { to: '/images', label: 'images.nav', adminOnly: false },
  { to: '/data/datasets', label: 'dataDatasets.nav', adminOnly: false },
  { to: '/statistics', label: 'statistics.nav', adminOnly: false, end: true },
  { to: '/statistics/reports', label: 'statisticsReports.nav', adminOnly: false },
  { to: '/audit', label: 'audit.nav', adminOnly: true },
  // <nx-plugin:nav>
  { to: '/account', label: 'nav.account', adminOnly: false },
];

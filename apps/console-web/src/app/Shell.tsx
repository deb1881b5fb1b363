import { Anchor, AppShell, Burger, Button, Group, NativeSelect, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type ReactNode, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useMatch } from 'react-router';
import { isAdmin, useMe } from '../auth/useMe';
import { LANGUAGES } from '../i18n';
import { ErrorBanner } from '../ui/ErrorBanner';
import { PageSkeleton } from '../ui/Skeletons';
import { NAV_ITEMS, type NavItem } from './nav';
import { useSession } from './services-context';

function NavEntry({ item, onNavigate }: { item: NavItem; onNavigate: () => void }) {
  const { t } = useTranslation();
  const active = useMatch({ path: item.to, end: item.end ?? false }) !== null;
  return (
    <NavLink
      component={Link}
      to={item.to}
      label={t(item.label)}
      active={active}
      aria-current={active ? 'page' : undefined}
      onClick={onNavigate}
    />
  );
}

export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  return (
    <NativeSelect
      aria-label={t('header.language')}
      size="xs"
      value={i18n.resolvedLanguage ?? i18n.language}
      onChange={(event) => void i18n.changeLanguage(event.currentTarget.value)}
      data={LANGUAGES.map((language) => ({ value: language.code, label: language.label }))}
    />
  );
}

/**
 * The frame of every signed-in screen: header (name, user's email, language, Sign out — kept
 * on narrow screens too), side navigation (a drawer behind the burger on narrow screens), main.
 */
export function Shell({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const session = useSession();
  const me = useMe();
  const [navOpened, nav] = useDisclosure(false);
  const [signingOut, setSigningOut] = useState(false);
  const location = useLocation();
  const admin = isAdmin(me.data);

  // a link followed on a narrow screen closes the navigation drawer
  useEffect(() => {
    nav.close();
  }, [location.pathname]);

  const signOut = async () => {
    setSigningOut(true);
    try {
      await session.signOut();
    } finally {
      setSigningOut(false);
    }
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Anchor href="#main" className="skip-link">
          {t('app.skipToContent')}
        </Anchor>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('nav.toggle')}
              aria-expanded={navOpened}
              aria-controls="console-nav"
            />
            <Anchor component={Link} to="/" fw={700} c="inherit" underline="never">
              {t('app.name')}
            </Anchor>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {me.data ? (
              <Text size="sm" visibleFrom="sm" truncate maw={260} title={t('header.signedInAs', { email: me.data.email })}>
                {me.data.email}
              </Text>
            ) : null}
            <LanguageSelect />
            <Button variant="default" size="xs" onClick={() => void signOut()} loading={signingOut}>
              {t('header.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="xs" id="console-nav" aria-label={t('nav.label')}>
        {NAV_ITEMS.filter((item) => !item.adminOnly || admin).map((item) => (
          <NavEntry key={item.to} item={item} onNavigate={nav.close} />
        ))}
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1}>
        {me.isError && !me.data ? (
          <ErrorBanner error={me.error} onRetry={() => void me.refetch()} retrying={me.isFetching} />
        ) : null}
        <Suspense fallback={<PageSkeleton />}>{children ?? <Outlet />}</Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider';
import { ACCOUNT_PATH, canManageTenantUsers, canSeeAudit, canSeeBilling, isInternal } from '../auth/guard';
import { useTenantContext } from '../auth/tenantContext';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/translate';
import { useTenantMe } from '../api/hooks';
import { LanguageSwitch } from './ui';

interface NavItem {
  to: string;
  label: MessageKey;
  end?: boolean;
  testId: string;
}

const COMPANY_NAV: NavItem[] = [
  { to: '/app/company', label: 'nav.overview', end: true, testId: 'nav-company' },
  { to: '/app/company/tenants', label: 'nav.tenants', testId: 'nav-tenants' },
  { to: '/app/company/users', label: 'nav.users', testId: 'nav-users' },
  { to: '/app/company/agents', label: 'nav.agents', testId: 'nav-company-agents' },
  { to: '/app/company/catalog', label: 'nav.catalog', testId: 'nav-catalog' },
  { to: '/app/company/integrations', label: 'nav.integrations', testId: 'nav-company-integrations' },
  { to: '/app/company/incidents', label: 'nav.incidents', testId: 'nav-incidents' },
  { to: '/app/company/support', label: 'nav.supportQueue', testId: 'nav-support-queue' },
  { to: '/app/company/operations', label: 'nav.operations', testId: 'nav-operations' },
  { to: '/app/company/billing', label: 'nav.billing', testId: 'nav-billing' },
  { to: '/app/company/audit', label: 'nav.audit', testId: 'nav-audit' },
  { to: '/app/company/monitoring', label: 'nav.monitoring', testId: 'nav-monitoring' },
  { to: '/app/company/alerts', label: 'nav.alerts', testId: 'nav-alerts' },
];

const DASHBOARD_NAV: NavItem[] = [
  { to: '/app/dashboard', label: 'nav.overview', end: true, testId: 'nav-dashboard' },
  { to: '/app/dashboard/agents', label: 'nav.agents', testId: 'nav-agents' },
  { to: '/app/dashboard/fibonacci', label: 'nav.fibonacci', testId: 'nav-fibonacci' },
  { to: '/app/dashboard/integrations', label: 'nav.integrations', testId: 'nav-integrations' },
  { to: '/app/dashboard/usage', label: 'nav.usage', testId: 'nav-usage' },
  { to: '/app/dashboard/support', label: 'nav.support', testId: 'nav-support' },
  { to: '/app/dashboard/users', label: 'nav.users', testId: 'nav-dashboard-users' },
];

function ViewAsBanner({ tenantId }: { tenantId: string }) {
  const { t } = useI18n();
  const me = useTenantMe(tenantId);
  return (
    <div className="banner" role="note" data-testid="view-as-banner">
      <span>{t('viewAs.banner', { name: me.data?.name ?? '…' })}</span>
      <Link to={`/app/company/tenants/${encodeURIComponent(tenantId)}`}>{t('viewAs.back')}</Link>
    </div>
  );
}

export function Layout() {
  const { t, te } = useI18n();
  const { user, role, logout } = useAuth();
  const loc = useLocation();
  const tctx = useTenantContext();
  const [open, setOpen] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  // "Minha conta" sits in the area of the user's role.
  const company = loc.pathname.startsWith('/app/company') || (loc.pathname === ACCOUNT_PATH && isInternal(role));
  const userMenu = useRef<HTMLDetailsElement>(null);

  // Close the mobile menu on navigation: adjusted while rendering the new path (React's
  // pattern for state that follows a prop), not in an effect that would render twice.
  const [menuPath, setMenuPath] = useState(loc.pathname);
  if (menuPath !== loc.pathname) {
    setMenuPath(loc.pathname);
    setOpen(false);
  }

  // Close the user menu on navigation and move focus to the new page for screen readers.
  const firstRender = useRef(true);
  useEffect(() => {
    if (userMenu.current) userMenu.current.open = false;
    if (firstRender.current) firstRender.current = false;
    else mainRef.current?.focus({ preventScroll: true });
  }, [loc.pathname]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  const items = company
    ? COMPANY_NAV.filter(
        (i) =>
          (i.to !== '/app/company/billing' || canSeeBilling(role)) &&
          (i.to !== '/app/company/audit' || canSeeAudit(role)),
      )
    : DASHBOARD_NAV.filter((i) => i.to !== '/app/dashboard/users' || canManageTenantUsers(role)).map((i) => ({
        ...i,
        to: tctx.link(i.to),
      }));

  return (
    <div className={`app ${open ? 'menu-open' : ''}`}>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <header className="topbar">
        <button
          type="button"
          className="hamburger"
          aria-expanded={open}
          aria-controls="sidebar"
          aria-label={open ? t('nav.closeMenu') : t('nav.openMenu')}
          onClick={() => setOpen((o) => !o)}
          data-testid="menu-toggle"
        >
          <span aria-hidden="true">{open ? '✕' : '☰'}</span>
        </button>
        <Link to={company ? '/app/company' : tctx.link('/app/dashboard')} className="brand">
          <span className="brand-mark" aria-hidden="true">
            ▲
          </span>{' '}
          Painel <span className="brand-sub">AlquimistaAI</span>
        </Link>
        <div className="topbar-right">
          <LanguageSwitch />
          <details className="user-menu" ref={userMenu} data-testid="user-menu">
            <summary aria-label={t('nav.userMenu')}>
              <span className="user-avatar" aria-hidden="true">
                {(user?.name || user?.email || '?').trim().charAt(0).toUpperCase()}
              </span>
              <span className="user-chip" data-testid="current-user" title={user?.email}>
                <span className="user-name">{user?.name ?? user?.email}</span>
                <span className="user-role">{te('role', role)}</span>
              </span>
              <span className="user-menu-caret" aria-hidden="true">
                ▾
              </span>
            </summary>
            <div className="user-menu-list">
              <div className="user-menu-email">{user?.email}</div>
              <Link to={ACCOUNT_PATH} data-testid="nav-account">
                {t('nav.account')}
              </Link>
            </div>
          </details>
          <button type="button" className="btn btn-ghost" onClick={() => void logout()} data-testid="logout">
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <div className="shell">
        <nav
          id="sidebar"
          className="sidebar"
          aria-label={company ? t('nav.companyArea') : t('nav.dashboardArea')}
          data-testid="sidebar"
        >
          <div className="sidebar-area">{company ? t('nav.companyArea') : t('nav.dashboardArea')}</div>
          <ul>
            {items.map((i) => (
              <li key={i.testId}>
                {/* Closing here too: tapping the page already open changes no path, so the
                    effect on navigation would leave the phone menu open over it. */}
                <NavLink to={i.to} end={i.end} data-testid={i.testId} onClick={() => setOpen(false)}>
                  {t(i.label)}
                </NavLink>
              </li>
            ))}
          </ul>
          {company && isInternal(role) ? (
            <div className="sidebar-footer">
              {/* Outside the UI's router: the binary serves the docs page at /docs. */}
              <a href="/docs" data-testid="nav-api-docs">
                {t('nav.apiDocs')}
              </a>
            </div>
          ) : null}
          {!company && isInternal(role) ? (
            <div className="sidebar-footer">
              <Link to="/app/company" data-testid="nav-back-company">
                ← {t('nav.backToCompany')}
              </Link>
            </div>
          ) : null}
        </nav>
        {open ? <div className="scrim" aria-hidden="true" onClick={() => setOpen(false)} /> : null}
        <main id="main" ref={mainRef} tabIndex={-1} className="main">
          {!company && tctx.viewingAs && tctx.tenantId ? <ViewAsBanner tenantId={tctx.tenantId} /> : null}
          <Outlet />
        </main>
      </div>
    </div>
  );
}

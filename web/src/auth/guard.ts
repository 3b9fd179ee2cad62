// Who may be where. Pure functions over (role, path, query) so the rules are unit-tested
// without a browser; the route components only apply what these return.

import type { Role, User } from '../api/types';

export const ROLE_PRECEDENCE: Record<Role, number> = {
  INTERNAL_ADMIN: 1,
  INTERNAL_SUPPORT: 2,
  TENANT_ADMIN: 10,
  TENANT_USER: 20,
};

function isRole(v: unknown): v is Role {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(ROLE_PRECEDENCE, v);
}

/** user.role when it is a known role, otherwise the group with the lowest precedence number. */
export function effectiveRole(user: Pick<User, 'role' | 'groups'> | null | undefined): Role | null {
  if (!user) return null;
  if (isRole(user.role)) return user.role;
  const roles = (user.groups ?? []).filter(isRole);
  if (!roles.length) return null;
  return roles.reduce((best, r) => (ROLE_PRECEDENCE[r] < ROLE_PRECEDENCE[best] ? r : best));
}

export function isInternal(role: Role | null | undefined): boolean {
  return role === 'INTERNAL_ADMIN' || role === 'INTERNAL_SUPPORT';
}

export const canSeeBilling = (role: Role | null | undefined) => role === 'INTERNAL_ADMIN';
/** GET /internal/audit is INTERNAL_ADMIN only. */
export const canSeeAudit = (role: Role | null | undefined) => role === 'INTERNAL_ADMIN';
/** User writes on /internal/users are INTERNAL_ADMIN only (INTERNAL_SUPPORT reads). */
export const canManageStaffUsers = (role: Role | null | undefined) => role === 'INTERNAL_ADMIN';
/** /tenant/users is TENANT_ADMIN only. */
export const canManageTenantUsers = (role: Role | null | undefined) => role === 'TENANT_ADMIN';
/** summary.cost and last_error are only sent to these roles; the UI hides their columns for others. */
export const canSeeCosts = (role: Role | null | undefined) => role === 'TENANT_ADMIN' || isInternal(role);

export const LOGIN_PATH = '/app/login';
/** Opened from an invitation or reset e-mail: reachable with or without a session. */
export const RESET_PATH = '/app/reset-password';
/** "Minha conta": every signed-in user, whatever the role. */
export const ACCOUNT_PATH = '/app/account';
export const TENANT_USERS_PATH = '/app/dashboard/users';
export const COMPANY_HOME = '/app/company';
export const DASHBOARD_HOME = '/app/dashboard';

export function homeFor(role: Role | null | undefined): string {
  if (!role) return LOGIN_PATH;
  return isInternal(role) ? COMPANY_HOME : DASHBOARD_HOME;
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + '/');

/** Why the last session ended: after a logout the login page is plain; after expiry it says so. */
export type SessionEnd = 'expired' | 'logout' | null;

/**
 * Where to send someone who opens `path` (with query `search`): a path to redirect to,
 * or null to stay. `role` null means not logged in; `ended` says why, when it just ended.
 */
export function redirectFor(role: Role | null, path: string, search = '', ended: SessionEnd = null): string | null {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === RESET_PATH) return null;
  if (p === LOGIN_PATH) return role ? landingAfterLogin(role, new URLSearchParams(search).get('next')) : null;
  if (!role && ended === 'logout') return LOGIN_PATH;
  if (p === '/' || p === '/app') return homeFor(role);
  if (!role) {
    const next = encodeURIComponent(path + search);
    return ended === 'expired' ? `${LOGIN_PATH}?expired=1&next=${next}` : `${LOGIN_PATH}?next=${next}`;
  }
  if (p === ACCOUNT_PATH) return null;
  if (under(p, COMPANY_HOME)) return isInternal(role) ? null : DASHBOARD_HOME;
  if (p === TENANT_USERS_PATH) {
    if (role === 'TENANT_USER') return DASHBOARD_HOME;
    // Staff manage a tenant's users on the staff page (/tenant/users is for tenant admins).
    if (isInternal(role)) {
      const tid = new URLSearchParams(search).get('tenant_id');
      return tid ? `${COMPANY_HOME}/users?tenant_id=${encodeURIComponent(tid)}` : `${COMPANY_HOME}/users`;
    }
    return null;
  }
  if (under(p, DASHBOARD_HOME)) {
    if (!isInternal(role)) return null;
    return new URLSearchParams(search).get('tenant_id') ? null : COMPANY_HOME;
  }
  return homeFor(role);
}

/** After login: the `next` path if that role may open it, else the role's home. */
export function landingAfterLogin(role: Role | null, next: string | null): string {
  if (role && next && next.startsWith('/app/') && !next.startsWith('//')) {
    const q = next.indexOf('?');
    const path = q >= 0 ? next.slice(0, q) : next;
    const search = q >= 0 ? next.slice(q) : '';
    if (path !== LOGIN_PATH && redirectFor(role, path, search) === null) return next;
  }
  return homeFor(role);
}

/** Adds the tenant context (?tenant_id=) of an internal user to a customer-area link. */
export function withTenant(path: string, tenantId: string | null | undefined): string {
  if (!tenantId) return path;
  const sep = path.includes('?') ? '&' : '?';
  return `${path}${sep}tenant_id=${encodeURIComponent(tenantId)}`;
}

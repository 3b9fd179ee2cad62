import { describe, expect, it } from 'vitest';
import {
  canManageStaffUsers,
  canManageTenantUsers,
  canSeeAudit,
  canSeeBilling,
  canSeeCosts,
  effectiveRole,
  homeFor,
  landingAfterLogin,
  redirectFor,
  withTenant,
} from './guard';

describe('effectiveRole', () => {
  it('uses user.role when it is a known role', () => {
    expect(effectiveRole({ role: 'TENANT_USER', groups: ['TENANT_USER'] })).toBe('TENANT_USER');
  });
  it('falls back to the group with the lowest precedence number', () => {
    expect(effectiveRole({ role: '', groups: ['TENANT_USER', 'INTERNAL_SUPPORT', 'TENANT_ADMIN'] })).toBe(
      'INTERNAL_SUPPORT',
    );
    expect(effectiveRole({ role: 'x', groups: ['TENANT_ADMIN', 'INTERNAL_ADMIN'] })).toBe('INTERNAL_ADMIN');
    expect(effectiveRole({ role: '', groups: ['SOMETHING_ELSE'] })).toBeNull();
    expect(effectiveRole(null)).toBeNull();
  });
});

describe('landing after login', () => {
  it('internal users land on /app/company, tenant users on /app/dashboard', () => {
    expect(homeFor('INTERNAL_ADMIN')).toBe('/app/company');
    expect(homeFor('INTERNAL_SUPPORT')).toBe('/app/company');
    expect(homeFor('TENANT_ADMIN')).toBe('/app/dashboard');
    expect(homeFor('TENANT_USER')).toBe('/app/dashboard');
    expect(redirectFor('INTERNAL_SUPPORT', '/app/login')).toBe('/app/company');
    expect(redirectFor('TENANT_USER', '/app/login')).toBe('/app/dashboard');
  });
  it('honours ?next= only when the role may open it', () => {
    expect(landingAfterLogin('TENANT_USER', '/app/dashboard/usage?period=7d')).toBe('/app/dashboard/usage?period=7d');
    expect(landingAfterLogin('TENANT_USER', '/app/company/tenants')).toBe('/app/dashboard');
    expect(landingAfterLogin('INTERNAL_ADMIN', '/app/company/tenants?search=x')).toBe('/app/company/tenants?search=x');
    expect(landingAfterLogin('INTERNAL_ADMIN', '/app/dashboard')).toBe('/app/company');
    expect(landingAfterLogin('INTERNAL_ADMIN', 'https://evil.example/app/')).toBe('/app/company');
    expect(landingAfterLogin('INTERNAL_ADMIN', '//evil.example')).toBe('/app/company');
    expect(redirectFor('TENANT_ADMIN', '/app/login', '?expired=1&next=%2Fapp%2Fdashboard%2Fsupport')).toBe(
      '/app/dashboard/support',
    );
  });
});

describe('redirectFor', () => {
  it('sends anonymous visitors to login, remembering where they were going', () => {
    expect(redirectFor(null, '/app/company/tenants', '?status=trial')).toBe(
      '/app/login?next=%2Fapp%2Fcompany%2Ftenants%3Fstatus%3Dtrial',
    );
    expect(redirectFor(null, '/app/login')).toBeNull();
    expect(redirectFor(null, '/app/')).toBe('/app/login');
  });
  it('after a session expiry the login page says so; after a logout it is plain', () => {
    expect(redirectFor(null, '/app/company/operations', '', 'expired')).toBe(
      '/app/login?expired=1&next=%2Fapp%2Fcompany%2Foperations',
    );
    expect(redirectFor(null, '/app/company/operations', '', 'logout')).toBe('/app/login');
    expect(redirectFor(null, '/app/login', '?expired=1', 'expired')).toBeNull();
  });
  it('keeps tenant users out of /app/company/*', () => {
    expect(redirectFor('TENANT_USER', '/app/company')).toBe('/app/dashboard');
    expect(redirectFor('TENANT_ADMIN', '/app/company/operations')).toBe('/app/dashboard');
    expect(redirectFor('TENANT_ADMIN', '/app/company/billing')).toBe('/app/dashboard');
    expect(redirectFor('TENANT_ADMIN', '/app/companyx')).toBe('/app/dashboard'); // unknown path → home
    expect(redirectFor('TENANT_USER', '/app/dashboard/fibonacci')).toBeNull();
  });
  it('sends internal users on the customer area without a tenant to /app/company', () => {
    expect(redirectFor('INTERNAL_ADMIN', '/app/dashboard')).toBe('/app/company');
    expect(redirectFor('INTERNAL_SUPPORT', '/app/dashboard/usage', '?period=7d')).toBe('/app/company');
    expect(redirectFor('INTERNAL_SUPPORT', '/app/dashboard/usage', '?tenant_id=t1&period=7d')).toBeNull();
    expect(redirectFor('INTERNAL_ADMIN', '/app/company/billing')).toBeNull();
    expect(redirectFor('INTERNAL_SUPPORT', '/app/company/billing')).toBeNull(); // the page itself says 403
  });
  it('sends /app and / to the home of the role', () => {
    expect(redirectFor('INTERNAL_ADMIN', '/app')).toBe('/app/company');
    expect(redirectFor('TENANT_USER', '/app/')).toBe('/app/dashboard');
    expect(redirectFor('TENANT_USER', '/')).toBe('/app/dashboard');
  });
});

describe('permissions and tenant context', () => {
  it('billing for internal admins only; costs for tenant admins and internal users', () => {
    expect(canSeeBilling('INTERNAL_ADMIN')).toBe(true);
    expect(canSeeBilling('INTERNAL_SUPPORT')).toBe(false);
    expect(canSeeCosts('TENANT_ADMIN')).toBe(true);
    expect(canSeeCosts('INTERNAL_SUPPORT')).toBe(true);
    expect(canSeeCosts('TENANT_USER')).toBe(false);
  });
  it('propagates tenant_id on customer links', () => {
    expect(withTenant('/app/dashboard/usage', 't 1')).toBe('/app/dashboard/usage?tenant_id=t%201');
    expect(withTenant('/app/dashboard?x=1', 't1')).toBe('/app/dashboard?x=1&tenant_id=t1');
    expect(withTenant('/app/dashboard', null)).toBe('/app/dashboard');
  });
});

describe('account pages (issue 16)', () => {
  it('the reset link page opens with or without a session', () => {
    expect(redirectFor(null, '/app/reset-password', '?token=abc')).toBeNull();
    expect(redirectFor(null, '/app/reset-password', '?token=abc', 'logout')).toBeNull();
    expect(redirectFor(null, '/app/reset-password', '?token=abc', 'expired')).toBeNull();
    expect(redirectFor('TENANT_USER', '/app/reset-password', '?token=abc')).toBeNull();
  });
  it('"Minha conta" is for every signed-in user', () => {
    for (const r of ['INTERNAL_ADMIN', 'INTERNAL_SUPPORT', 'TENANT_ADMIN', 'TENANT_USER'] as const)
      expect(redirectFor(r, '/app/account')).toBeNull();
    expect(redirectFor(null, '/app/account')).toBe('/app/login?next=%2Fapp%2Faccount');
    expect(landingAfterLogin('TENANT_USER', '/app/account')).toBe('/app/account');
  });
  it('tenant users page: tenant admins only; staff go to the staff page for that tenant', () => {
    expect(redirectFor('TENANT_ADMIN', '/app/dashboard/users')).toBeNull();
    expect(redirectFor('TENANT_USER', '/app/dashboard/users')).toBe('/app/dashboard');
    expect(redirectFor('INTERNAL_ADMIN', '/app/dashboard/users', '?tenant_id=t-1')).toBe(
      '/app/company/users?tenant_id=t-1',
    );
    expect(redirectFor('INTERNAL_SUPPORT', '/app/dashboard/users')).toBe('/app/company/users');
    expect(redirectFor('TENANT_ADMIN', '/app/company/users')).toBe('/app/dashboard');
  });
  it('audit and user writes are INTERNAL_ADMIN only; tenant users are managed by TENANT_ADMIN', () => {
    expect(canSeeAudit('INTERNAL_ADMIN')).toBe(true);
    expect(canSeeAudit('INTERNAL_SUPPORT')).toBe(false);
    expect(canManageStaffUsers('INTERNAL_ADMIN')).toBe(true);
    expect(canManageStaffUsers('INTERNAL_SUPPORT')).toBe(false);
    expect(canManageTenantUsers('TENANT_ADMIN')).toBe(true);
    expect(canManageTenantUsers('TENANT_USER')).toBe(false);
  });
});

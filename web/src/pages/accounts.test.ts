// Server-side renders of the account pages (issue 16) with a seeded react-query cache.
import { describe, expect, it, vi } from 'vitest';
import { createElement as h, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { I18nProvider } from '../i18n/I18nProvider';

const auth = vi.hoisted(() => ({
  role: 'INTERNAL_ADMIN',
  user: { id: 'me', email: 'me@example.com', name: 'Me Myself', groups: [], role: 'INTERNAL_ADMIN', tenant_id: null },
}));
vi.mock('../auth/AuthProvider', () => ({ useAuth: () => auth }));
import { UsersAdmin } from '../components/UsersAdmin';
import ResetPasswordPage from './ResetPassword';
import Account from './Account';
import Audit from './company/Audit';
import TenantUsers from './dashboard/Users';

const USERS = {
  users: [
    {
      id: 'u1',
      email: 'ana@acme.com.br',
      name: 'Ana Souza',
      group: 'TENANT_ADMIN',
      tenant_id: 't1',
      tenant_name: 'Acme',
      status: 'active',
      password_set: true,
      last_login_at: null,
      created_at: '2026-12-01T10:00:00Z',
    },
    {
      id: 'u2',
      email: 'bia@acme.com.br',
      name: 'Bia',
      group: 'TENANT_USER',
      tenant_id: 't1',
      tenant_name: 'Acme',
      status: 'disabled',
      password_set: false,
      last_login_at: null,
      created_at: '2026-12-01T10:00:00Z',
    },
    {
      id: 'me',
      email: 'me@example.com',
      name: 'Me Myself',
      group: 'INTERNAL_ADMIN',
      tenant_id: null,
      tenant_name: null,
      status: 'active',
      password_set: true,
      last_login_at: '2026-12-05T08:00:00Z',
      created_at: '2026-11-01T10:00:00Z',
    },
  ],
  total: 3,
  limit: 25,
  offset: 0,
};

function render(el: ReactElement, seed: [unknown[], unknown][] = [], url = '/'): string {
  const qc = new QueryClient();
  for (const [k, v] of seed) qc.setQueryData(k, v);
  return renderToStaticMarkup(
    h(QueryClientProvider, { client: qc }, h(MemoryRouter, { initialEntries: [url] }, h(I18nProvider, null, el))),
  );
}

const rows = (html: string) => html.match(/data-testid="user-row"/g)?.length ?? 0;

describe('users page', () => {
  it('lists users with status, "invite pending", and the row actions for INTERNAL_ADMIN (none that hit oneself)', () => {
    auth.role = 'INTERNAL_ADMIN';
    const html = render(h(UsersAdmin, { scope: 'internal', canWrite: true }), [
      [['/internal/users', { status: 'all', limit: 25, offset: 0 }], USERS],
    ]);
    expect(rows(html)).toBe(3);
    expect(html).toContain('data-testid="user-invite"');
    expect(html).toContain('Convite pendente');
    expect(html).toContain('Desativado');
    expect(html).toContain('Acme');
    expect(html.match(/data-testid="user-disable"/g)).toHaveLength(1);
    expect(html.match(/data-testid="user-enable"/g)).toHaveLength(1);
    expect(html.match(/data-testid="user-end-sessions"/g)).toHaveLength(2);
    expect(html.match(/data-testid="user-reset"/g)).toHaveLength(3);
    expect(html).toContain('(você)');
  });
  it('is read-only for INTERNAL_SUPPORT', () => {
    const html = render(h(UsersAdmin, { scope: 'internal', canWrite: false }), [
      [['/internal/users', { status: 'all', limit: 25, offset: 0 }], USERS],
    ]);
    expect(rows(html)).toBe(3);
    expect(html).toContain('data-testid="users-readonly"');
    expect(html).not.toContain('data-testid="user-invite"');
    expect(html).not.toContain('user-disable');
  });
  it('takes its filters from the URL', () => {
    const key = ['/internal/users', { search: 'ana', group: 'TENANT_ADMIN', status: 'active', limit: 25, offset: 0 }];
    const html = render(
      h(UsersAdmin, { scope: 'internal', canWrite: true }),
      [[key, { ...USERS, users: USERS.users.slice(0, 1), total: 1 }]],
      '/app/company/users?search=ana&group=TENANT_ADMIN&status=active',
    );
    expect(rows(html)).toBe(1);
    expect(html).toMatch(/data-testid="users-search"[^>]*value="ana"|value="ana"[^>]*data-testid="users-search"/);
  });
  it('tenant admin: tenant groups only, no tenant column, no "end sessions", and "N de max_users"', () => {
    auth.role = 'TENANT_ADMIN';
    const html = render(h(TenantUsers), [
      [
        ['/tenant/users', { status: 'all', limit: 25, offset: 0 }],
        { ...USERS, users: USERS.users.slice(0, 2), total: 2 },
      ],
      [['/tenant/me', {}], { id: 't1', name: 'Acme', limits: { max_users: 2 }, usage: { active_users: 2 } }],
    ]);
    expect(rows(html)).toBe(2);
    expect(html).toContain('2 de 2 usuários ativos');
    expect(html).toContain('data-testid="users-full"');
    expect(html).not.toContain('user-end-sessions');
    expect(html).not.toContain('Admin interno</option>');
    expect(html).not.toContain('users-tenant-filter');
  });
});

describe('reset password page', () => {
  it('shows the rules up front and the two fields', () => {
    const html = render(h(ResetPasswordPage), [], '/app/reset-password?token=AbCdEfGhIjKlMnOpQrStUv0123456789');
    expect(html).toContain('data-testid="page-reset-password"');
    expect(html).toContain('de 10 a 128 caracteres, não pode ser o seu e-mail e não pode ser uma senha comum');
    expect(html).toContain('data-testid="reset-new"');
    expect(html).toContain('data-testid="reset-repeat"');
  });
  it('without a token says the link is incomplete', () => {
    const html = render(h(ResetPasswordPage), [], '/app/reset-password');
    expect(html).toContain('data-testid="reset-link-invalid"');
    expect(html).not.toContain('reset-submit');
  });
});

describe('Minha conta', () => {
  it('lists sessions with the device, marks this one and offers "end" on the others only', () => {
    auth.role = 'TENANT_USER';
    const html = render(h(Account), [
      [
        ['/auth/sessions', {}],
        {
          sessions: [
            {
              id: 's1',
              created_at: '2026-12-05T08:00:00Z',
              last_used_at: '2026-12-05T09:00:00Z',
              ip: '203.0.113.9',
              user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
              current: true,
            },
            {
              id: 's2',
              created_at: '2026-12-04T08:00:00Z',
              last_used_at: null,
              ip: '198.51.100.7',
              user_agent: 'curl/8.5.0',
              current: false,
            },
          ],
        },
      ],
    ]);
    expect(html).toContain('Firefox 133 · Linux');
    expect(html).toContain('curl 8.5.0');
    expect(html).toContain('Este dispositivo');
    expect(html.match(/data-testid="session-end"/g)).toHaveLength(1);
    expect(html).toContain('data-testid="account-password-form"');
    expect(html).toContain('me@example.com');
  });
});

describe('audit page', () => {
  it('lists events with a one-line summary and the verify button', () => {
    auth.role = 'INTERNAL_ADMIN';
    const html = render(
      h(Audit),
      [
        [
          ['/internal/audit', { limit: 50, offset: 0 }],
          {
            events: [
              {
                id: 'e1',
                created_at: '2026-12-05T09:00:00Z',
                actor: 'me',
                role: 'INTERNAL_ADMIN',
                action: 'user.update',
                tenant_id: 't1',
                target: 'u2',
                request_id: 'r1',
                ip: '127.0.0.1',
                metadata: { changes: { status: { from: 'active', to: 'disabled' } } },
              },
            ],
            total: 1,
          },
        ],
      ],
      '/app/company/audit',
    );
    expect(html).toContain('data-testid="audit-row"');
    expect(html).toContain('user.update');
    expect(html).toContain('status: active → disabled');
    expect(html).toContain('data-testid="audit-verify"');
  });
});

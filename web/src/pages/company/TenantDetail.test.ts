// Issue 21 item 7: the tenant detail's users[].role is the original's admin | user; Painel's
// page shows the group (users[].group), and severities carry the original's labels.
import { describe, expect, it, vi } from 'vitest';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { I18nProvider } from '../../i18n/I18nProvider';

vi.mock('../../auth/AuthProvider', () => ({ useAuth: () => ({ role: 'INTERNAL_SUPPORT', user: null }) }));
import TenantDetail from './TenantDetail';

const ID = '11111111-1111-4111-8111-111111111111';
const DETAIL = {
  tenant: {
    id: ID,
    name: 'Padaria Estrela Ltda',
    cnpj: '11222333000181',
    segment: 'varejo',
    plan: 'professional',
    status: 'active',
    mrr_estimate: 1499,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    limits: { max_agents: 10, max_users: 20, max_requests_per_month: 50000 },
  },
  users: [
    {
      id: 'u1',
      email: 'ana@padaria.com.br',
      full_name: 'Ana',
      role: 'admin',
      group: 'TENANT_ADMIN',
      last_login_at: null,
    },
    {
      id: 'u2',
      email: 'bia@padaria.com.br',
      full_name: 'Bia',
      role: 'user',
      group: 'TENANT_USER',
      last_login_at: null,
    },
  ],
  agents: [],
  integrations: [],
  usage_summary: { requests_last_7_days: 0, requests_last_30_days: 0, success_rate_last_30_days: 0 },
  recent_incidents: [
    {
      id: 'i1',
      severity: 'info',
      title: 'Manutenção',
      description: '',
      status: 'open',
      created_at: '2026-01-01T00:00:00Z',
      resolved_at: null,
    },
  ],
  recent_commands: [],
};

function render(): string {
  const qc = new QueryClient();
  qc.setQueryData([`/internal/tenants/${ID}`, {}], DETAIL);
  return renderToStaticMarkup(
    h(
      QueryClientProvider,
      { client: qc },
      h(
        MemoryRouter,
        { initialEntries: [`/app/company/tenants/${ID}`] },
        h(
          I18nProvider,
          null,
          h(Routes, null, h(Route, { path: '/app/company/tenants/:id', element: h(TenantDetail) })),
        ),
      ),
    ),
  );
}

describe('tenant detail', () => {
  it("shows each member's group, not the original's role word", () => {
    const html = render();
    expect(html).toContain('Admin do cliente');
    expect(html).toContain('Usuário do cliente');
    expect(html).not.toMatch(/<td>(admin|user)<\/td>/);
  });

  it('labels severities as the original did', () => {
    expect(render()).toContain('Informativo');
  });
});

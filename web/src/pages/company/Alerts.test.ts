// The Alertas page under a tenant-scoped rule: its tenants not ok with their names, links and
// incident, or a line saying every tenant is ok.
import { describe, expect, it, vi } from 'vitest';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router-dom';
import { I18nProvider } from '../../i18n/I18nProvider';
import type { AlertList, AlertRule } from '../../lib/alerts';

vi.mock('../../auth/AuthProvider', () => ({ useAuth: () => ({ role: 'INTERNAL_SUPPORT', user: null }) }));
import Alerts from './Alerts';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';

const base: Omit<AlertRule, 'name' | 'state'> = {
  expr: 'tenant_requests',
  threshold: 100,
  window_s: 300,
  severity: 'warning',
  for_s: 0,
  clear_s: 0,
  scope: 'tenant',
  summary: '',
  since: null,
  value: null,
  evaluated_at: null,
  incident_id: null,
};

const ALERTS: AlertList = {
  interval_ms: 30000,
  webhooks: [],
  rules: [
    {
      ...base,
      name: 'TenantBurst',
      state: 'ok',
      tenants: [
        {
          tenant_id: T1,
          state: 'firing',
          since: '2026-12-06T10:00:00Z',
          value: 250,
          evaluated_at: '2026-12-06T10:05:00Z',
          incident_id: '33333333-3333-4333-8333-333333333333',
        },
        {
          tenant_id: T2,
          state: 'pending',
          since: '2026-12-06T10:04:00Z',
          value: 120,
          evaluated_at: '2026-12-06T10:05:00Z',
          incident_id: null,
        },
      ],
    },
    { ...base, name: 'TenantQuiet', state: 'ok', tenants: [] },
    { ...base, name: 'PainelHttp5xx', expr: 'http_5xx', scope: 'global', state: 'ok' },
  ],
};

function render(): string {
  const qc = new QueryClient();
  qc.setQueryData(['/internal/alerts', {}], ALERTS);
  qc.setQueryData(['/internal/alerts/deliveries', { limit: 20, offset: 0 }], {
    deliveries: [],
    total: 0,
    limit: 20,
    offset: 0,
  });
  qc.setQueryData(['/internal/tenants', { status: 'all', sort_by: 'name', sort_order: 'asc', limit: 200, offset: 0 }], {
    tenants: [{ id: T1, name: 'Padaria Estrela Ltda' }],
    total: 1,
    limit: 200,
    offset: 0,
  });
  return renderToStaticMarkup(
    h(
      QueryClientProvider,
      { client: qc },
      h(MemoryRouter, { initialEntries: ['/app/company/alerts'] }, h(I18nProvider, null, h(Alerts))),
    ),
  );
}

describe('alerts page', () => {
  it("lists a tenant rule's tenants not ok, worst first, linked to the tenant and its incident", () => {
    const html = render();
    const row = html.slice(html.indexOf('data-rule="TenantBurst"', html.indexOf('alert-tenants')));
    expect(html).toContain('2 cliente(s) fora do normal');
    expect(row.indexOf(`data-tenant-id="${T1}"`)).toBeLessThan(row.indexOf(`data-tenant-id="${T2}"`));
    expect(html).toMatch(new RegExp(`href="/app/company/tenants/${T1}"[^>]*>Padaria Estrela Ltda</a>`));
    // Not among the first 200 names yet: the id stands in.
    expect(html).toMatch(new RegExp(`href="/app/company/tenants/${T2}"[^>]*>${T2}</a>`));
    expect(html).toContain('Disparado');
    expect(html).toContain('Ver incidente');
  });

  it('says when every tenant of a rule is ok, and adds nothing under a global rule', () => {
    const html = render();
    expect(html).toContain('Todos os clientes estão normais nesta regra.');
    expect(html.match(/data-testid="alert-tenants"/g)).toHaveLength(2);
    expect(html).toContain('data-testid="alerts-firing-count">1 disparado(s)');
  });
});

// Screenshots of the new pages against mocked API answers (no server needed).
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join, extname } from 'node:path';
import { chromium } from 'playwright-core';
const DIST = new URL('./dist/', import.meta.url).pathname;
const OUT = process.argv[2] || '/tmp/web/shots';
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml' };
const srv = createServer((req, res) => {
  let p = decodeURIComponent(req.url.split('?')[0]).replace(/^\/app\//, '');
  let f = join(DIST, p);
  if (!p || !existsSync(f) || p.endsWith('/')) f = join(DIST, 'index.html');
  res.writeHead(200, { 'Content-Type': types[extname(f)] || 'application/octet-stream' });
  res.end(readFileSync(f));
}).listen(0);
const base = `http://127.0.0.1:${srv.address().port}`;
const now = '2026-12-05T05:00:00Z';
const users = {
  admin: { id: 'u1', email: 'admin@alquimista.ai', name: 'Ana Admin', groups: ['INTERNAL_ADMIN'], role: 'INTERNAL_ADMIN', tenant_id: null },
  tadmin: { id: 'u2', email: 'carla@padaria.com.br', name: 'Carla Souza', groups: ['TENANT_ADMIN'], role: 'TENANT_ADMIN', tenant_id: 't1' },
};
const agents = [
  { id: 'a1', name: 'Atendente WhatsApp', segment: 'atendimento', subnucleus: 'hermes', description: 'Responde clientes no WhatsApp 24h', status: 'active', price_monthly: 199.9, deployed_count: 41, created_at: now, updated_at: now },
  { id: 'a2', name: 'Qualificador de Leads', segment: 'vendas', subnucleus: 'nigredo', description: 'Pontua e qualifica leads', status: 'active', price_monthly: '249.00', deployed_count: 17, created_at: now, updated_at: now },
  { id: 'a3', name: 'Analista de Churn', segment: 'analytics', subnucleus: 'oracle', description: null, status: 'retired', price_monthly: 399, deployed_count: 2, created_at: now, updated_at: now },
  { id: 'a4', name: 'Cobrança Amigável', segment: 'financeiro', subnucleus: 'atlas', description: 'Lembretes de pagamento', status: 'active', price_monthly: 149.5, deployed_count: 9, created_at: now, updated_at: now },
];
const tenant = { id: 't1', name: 'Padaria Pão Quente', cnpj: '11222333000181', segment: 'varejo', plan: 'professional', status: 'active', mrr_estimate: 1648.9, created_at: now, updated_at: now, limits: { max_agents: 3, max_users: 10, max_requests_per_month: 50000 } };
const detail = { tenant, users: [{ id: 'u2', email: 'carla@padaria.com.br', full_name: 'Carla Souza', role: 'TENANT_ADMIN', last_login_at: now }], agents: [{ id: 'a1', name: 'Atendente WhatsApp', subnucleus: 'hermes', status: 'active', activated_at: now, config: { greeting: 'Olá!' } }, { id: 'a4', name: 'Cobrança Amigável', subnucleus: 'atlas', status: 'inactive', activated_at: now }], integrations: [], usage_summary: { requests_last_7_days: 812, requests_last_30_days: 3301, success_rate_last_30_days: 0.97 }, recent_incidents: [], recent_commands: [] };
const reqs = [
  { id: 'r1', tenant_id: 't1', tenant_name: 'Padaria Pão Quente', subject: 'WhatsApp não responde desde ontem', category: 'integration', status: 'answered', opened_by_name: 'Carla Souza', message_count: 2, created_at: '2026-12-04T10:00:00Z', updated_at: '2026-12-04T12:30:00Z' },
  { id: 'r2', tenant_id: 't2', tenant_name: 'Clínica Sorriso', subject: 'Dúvida na fatura de novembro', category: 'billing', status: 'open', opened_by_name: 'Rui Lima', message_count: 1, created_at: '2026-12-03T09:00:00Z', updated_at: '2026-12-03T09:00:00Z' },
];
const thread = { ...reqs[0], messages: [ { id: 'm1', author_name: 'Carla Souza', side: 'tenant', body: 'Desde ontem à tarde o atendente não responde no WhatsApp.\nJá reiniciei o celular.', created_at: '2026-12-04T10:00:00Z' }, { id: 'm2', author_name: 'Ana Admin', side: 'staff', body: 'Olá Carla! O token do WhatsApp expirou; renovamos agora. Pode testar?', created_at: '2026-12-04T12:30:00Z' } ] };
function answer(path, method, q) {
  if (path === '/auth/me') return null;
  if (path === '/internal/agents') return { agents, total: agents.length, limit: 25, offset: 0 };
  if (path === '/internal/tenants/t1') return detail;
  if (path === '/internal/tenants') return { tenants: [tenant], total: 1, limit: 200, offset: 0 };
  if (path === '/internal/incidents') return { incidents: [ { id: 'i1', tenant_id: null, tenant_name: null, severity: 'critical', title: 'Instabilidade no provedor de WhatsApp', description: 'Mensagens atrasando até 5 min', status: 'open', source: 'manual', created_at: now }, { id: 'i2', tenant_id: 't1', tenant_name: 'Padaria Pão Quente', severity: 'warning', title: 'Taxa de erro acima de 5%', status: 'open', source: 'health_check', created_at: now }, { id: 'i3', tenant_id: 't2', tenant_name: 'Clínica Sorriso', severity: 'info', title: 'Manutenção programada', status: 'resolved', source: 'alert', created_at: now, resolved_at: now, resolved_by: 'Ana Admin' } ], total: 3, limit: 25, offset: 0 };
  if (path === '/internal/integrations') return { integrations: [ { id: 'g1', tenant_id: 't1', tenant_name: 'Padaria Pão Quente', type: 'whatsapp', name: 'WhatsApp loja', status: 'error', last_sync_at: '2026-12-04T09:00:00Z', last_error: 'token expired (401 from provider)', last_error_at: '2026-12-04T09:05:00Z' } ], total: 1, limit: 25, offset: 0 };
  if (path === '/tenant/integrations') return { integrations: [ { id: 'g1', type: 'whatsapp', name: 'WhatsApp loja', status: 'active', last_sync_at: now, has_credentials: true }, { id: 'g2', type: 'crm', name: 'CRM vendas', status: 'inactive', last_sync_at: null, has_credentials: false } ] };
  if (path === '/tenant/me') return tenant;
  if (path === '/tenant/incidents') return { incidents: [], total: 0 };
  if (path === '/tenant/support/requests' || path === '/internal/support/requests') return { requests: reqs, total: 2, limit: 10, offset: 0 };
  if (path.startsWith('/tenant/support/requests/') || path.startsWith('/internal/support/requests/')) return thread;
  return {};
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
async function shoot(who, url, name, after) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.route(/\/(auth|tenant|internal)\//, async (route) => {
    const u = new URL(route.request().url());
    if (u.pathname === '/auth/me') return route.fulfill({ json: users[who] });
    if (u.pathname === '/auth/login' || u.pathname === '/auth/refresh') return route.fulfill({ json: { access_token: 'x', expires_in: 3600, refresh_token: 'r', user: users[who] } });
    return route.fulfill({ json: answer(u.pathname, route.request().method(), u.searchParams), headers: { ETag: '"e1"' } });
  });
  await page.goto(base + '/app/login');
  await page.fill('[data-testid=login-email]', 'x@y.z');
  await page.fill('[data-testid=login-password]', 'pw');
  await page.click('[data-testid=login-submit]');
  await page.waitForTimeout(500);
  await page.goto(base + url);
  await page.waitForTimeout(1200);
  if (after) await after(page);
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
  await page.close();
}
await shoot('admin', '/app/company/catalog', 'catalog');
await shoot('admin', '/app/company/tenants/t1', 'tenant-detail');
await shoot('admin', '/app/company/tenants', 'tenant-add', async (p) => { await p.click('[data-testid=tenant-add]'); await p.fill('[data-testid=tenant-form-cnpj]', '11.222.333/0001-82'); await p.click('[data-testid=tenant-form-submit]'); await p.waitForTimeout(300); });
await shoot('admin', '/app/company/incidents', 'incidents');
await shoot('admin', '/app/company/integrations', 'company-integrations');
await shoot('admin', '/app/company/support?request=r1', 'support-queue');
await shoot('tadmin', '/app/dashboard/integrations', 'dash-integrations');
await shoot('tadmin', '/app/dashboard/integrations', 'dash-integration-edit', async (p) => { await p.click('[data-testid=integration-edit] >> nth=0'); await p.waitForTimeout(300); });
await shoot('tadmin', '/app/dashboard/support?request=r1', 'dash-support');
await browser.close();
srv.close();

import { useSearchParams } from 'react-router-dom';
import { useTenantAgentsInternal, useUsageOverview } from '../../api/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { formatDateTime, formatMs, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Card, Empty, Page, QueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { TenantPicker } from '../../components/TenantPicker';
import { BarChart } from '../../components/Charts';

function configSummary(config: unknown): string {
  if (!config || typeof config !== 'object') return '';
  const keys = Object.keys(config as object);
  return keys.length ? keys.slice(0, 4).join(', ') + (keys.length > 4 ? '…' : '') : '';
}

export default function CompanyAgents() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const tenantId = params.get('tenant_id') ?? '';
  const overview = useUsageOverview('30d');
  const agents = useTenantAgentsInternal(tenantId || null);
  const top = overview.data?.top_agents_by_usage ?? [];

  return (
    <Page testId="page-company-agents" title={t('companyAgents.title')} subtitle={t('companyAgents.subtitle')}>
      <Card title={t('company.topAgents')} testId="top-agents">
        <QueryView query={overview}>
          {() =>
            top.length ? (
              <BarChart
                testId="chart-top-agents"
                title={t('company.topAgents')}
                horizontal
                height={Math.max(200, top.length * 34 + 60)}
                labels={top.map((a) => a.agent_name)}
                series={[{ label: t('kpi.requests'), data: top.map((a) => a.total_requests ?? 0) }]}
                formatValue={(v) => formatNumber(v, lang)}
              />
            ) : (
              <Empty />
            )
          }
        </QueryView>
      </Card>

      <Card title={t('companyAgents.byTenant')}>
        <TenantPicker
          id="agents-tenant"
          label={t('common.tenant')}
          value={tenantId}
          onChange={(id) => setParams(id ? { tenant_id: id } : {}, { replace: true })}
          testId="agents-tenant-picker"
        />
        {tenantId ? (
          <QueryView query={agents} empty={(d) => d.agents.length === 0}>
            {(d) => (
              <DataTable
                label={t('companyAgents.byTenant')}
                testId="company-agents-table"
                rows={d.agents}
                rowKey={(a) => a.id}
                rowAttributes={() => ({ 'data-testid': 'company-agent-row' })}
                columns={[
                  { header: t('agents.name'), rowHeader: true, cell: (a) => a.name },
                  { header: t('common.status'), cell: (a) => <Badge prefix="status" value={a.status} /> },
                  {
                    header: t('agents.requests'),
                    align: 'right',
                    cell: (a) => formatNumber(a.usage_stats.total_requests, lang),
                  },
                  {
                    header: t('kpi.successRate'),
                    align: 'right',
                    cell: (a) => formatPercent(a.usage_stats.success_rate, lang),
                  },
                  {
                    header: t('agents.avgResponse'),
                    align: 'right',
                    cell: (a) => formatMs(a.usage_stats.avg_response_time_ms, lang),
                  },
                  { header: t('agents.lastRequest'), cell: (a) => formatDateTime(a.usage_stats.last_request_at, lang) },
                  {
                    header: t('agents.activatedAt'),
                    cell: (a) => (
                      <>
                        {formatDateTime(a.activated_at, lang)}
                        {a.deactivated_at ? (
                          <div className="muted small">
                            {t('agents.deactivatedAt')}: {formatDateTime(a.deactivated_at, lang)}
                          </div>
                        ) : null}
                      </>
                    ),
                  },
                  {
                    header: t('agents.config'),
                    className: 'muted small',
                    cell: (a) => configSummary(a.config) || t('common.none'),
                  },
                ]}
              />
            )}
          </QueryView>
        ) : (
          <Empty>{t('companyAgents.pickTenant')}</Empty>
        )}
      </Card>
    </Page>
  );
}

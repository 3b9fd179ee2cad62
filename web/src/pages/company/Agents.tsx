import { useSearchParams } from 'react-router-dom';
import { useTenantAgentsInternal, useUsageOverview } from '../../api/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { formatDateTime, formatMs, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Card, Empty, Page, QueryView, TableWrap } from '../../components/ui';
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
              <TableWrap label={t('companyAgents.byTenant')} testId="company-agents-table">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('agents.name')}</th>
                      <th scope="col">{t('common.status')}</th>
                      <th scope="col" className="num">
                        {t('agents.requests')}
                      </th>
                      <th scope="col" className="num">
                        {t('kpi.successRate')}
                      </th>
                      <th scope="col" className="num">
                        {t('agents.avgResponse')}
                      </th>
                      <th scope="col">{t('agents.lastRequest')}</th>
                      <th scope="col">{t('agents.activatedAt')}</th>
                      <th scope="col">{t('agents.config')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.agents.map((a) => {
                      const u = a.usage_stats;
                      return (
                        <tr key={a.id} data-testid="company-agent-row">
                          <th scope="row">{a.name}</th>
                          <td>
                            <Badge prefix="status" value={a.status} />
                          </td>
                          <td className="num">{formatNumber(u.total_requests, lang)}</td>
                          <td className="num">{formatPercent(u.success_rate, lang)}</td>
                          <td className="num">{formatMs(u.avg_response_time_ms, lang)}</td>
                          <td>{formatDateTime(u.last_request_at, lang)}</td>
                          <td>
                            {formatDateTime(a.activated_at, lang)}
                            {a.deactivated_at ? (
                              <div className="muted small">
                                {t('agents.deactivatedAt')}: {formatDateTime(a.deactivated_at, lang)}
                              </div>
                            ) : null}
                          </td>
                          <td className="muted small">{configSummary(a.config) || t('common.none')}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </TableWrap>
            )}
          </QueryView>
        ) : (
          <Empty>{t('companyAgents.pickTenant')}</Empty>
        )}
      </Card>
    </Page>
  );
}

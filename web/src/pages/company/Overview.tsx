import { Link, useSearchParams } from 'react-router-dom';
import { useBillingOverview, useUsageOverview } from '../../api/hooks';
import { useAuth } from '../../auth/AuthProvider';
import { canSeeBilling } from '../../auth/guard';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCompact, formatDateTime, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Card, Empty, ErrorState, Kpi, KpiGrid, Loading, Page } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { ExportCsvButton } from '../../components/ExportCsv';
import { LineChart } from '../../components/Charts';
import { parsePeriod, PeriodPicker, TimeZoneNote, type Period } from '../../components/PeriodPicker';

export default function CompanyOverview() {
  const { t, lang } = useI18n();
  const { role } = useAuth();
  const admin = canSeeBilling(role);
  const [params, setParams] = useSearchParams();
  const period = parsePeriod(params.get('period'));
  const overview = useUsageOverview(period);
  const billing = useBillingOverview(period, admin);
  const setPeriod = (p: Period) => setParams(p === '30d' ? {} : { period: p }, { replace: true });
  const dash = '—';
  const g = overview.data?.global_stats;

  return (
    <Page
      testId="page-company"
      title={t('company.title')}
      subtitle={
        <>
          {t('company.subtitle')} <TimeZoneNote answer={overview.data} testId="company-time-zone" />
        </>
      }
      actions={
        <>
          <PeriodPicker value={period} onChange={setPeriod} testId="company-period" />
          <ExportCsvButton
            path="/internal/usage/overview"
            filters={{ period, by: 'day' }}
            fallbackName="painel-usage-by-day.csv"
            testId="company-export-days"
            label="export.byDay"
          />
          <ExportCsvButton
            path="/internal/usage/overview"
            filters={{ period, by: 'tenant' }}
            fallbackName="painel-usage-by-tenant.csv"
            testId="company-export-tenants"
            label="export.byTenant"
          />
          <ExportCsvButton
            path="/internal/usage/overview"
            filters={{ period, by: 'agent' }}
            fallbackName="painel-usage-by-agent.csv"
            testId="company-export-agents"
            label="export.byAgent"
          />
        </>
      }
    >
      {overview.error && !overview.data ? (
        <ErrorState error={overview.error} onRetry={() => overview.refetch()} />
      ) : null}
      <KpiGrid>
        <Kpi
          testId="kpi-active-tenants"
          label={t('kpi.activeTenants')}
          value={g ? formatNumber(g.active_tenants, lang) : dash}
          hint={
            g?.total_tenants !== undefined
              ? t('kpi.ofTotal', { total: formatNumber(g.total_tenants, lang) })
              : undefined
          }
        />
        <Kpi
          testId="kpi-agents-deployed"
          label={t('kpi.agentsDeployed')}
          value={g ? formatNumber(g.total_agents_deployed, lang) : dash}
        />
        <Kpi
          testId="kpi-requests"
          label={t('kpi.requests')}
          value={g ? formatCompact(g.total_requests, lang) : dash}
          hint={t(`period.${period}`)}
        />
        <Kpi
          testId="kpi-global-success-rate"
          label={t('kpi.successRate')}
          value={g ? formatPercent(g.global_success_rate, lang) : dash}
        />
        {admin ? (
          <Kpi
            testId="kpi-mrr"
            label={t('kpi.mrr')}
            value={billing.data ? formatMoney(billing.data.financial_summary.total_mrr, lang) : dash}
            hint={
              billing.data?.financial_summary.total_arr !== undefined ? (
                <>
                  {t('kpi.arrLabel')}{' '}
                  <span className="nowrap">{formatMoney(billing.data.financial_summary.total_arr, lang)}</span>
                </>
              ) : undefined
            }
          />
        ) : null}
      </KpiGrid>

      <Card title={t('company.trend')}>
        {overview.data ? (
          overview.data.daily_trends.length ? (
            <LineChart
              testId="chart-company-trend"
              title={t('company.trend')}
              days={overview.data.daily_trends.map((d) => d.date)}
              timeZone={overview.data.time_zone}
              series={[{ label: t('kpi.requests'), data: overview.data.daily_trends.map((d) => d.total_requests) }]}
              formatValue={(v) => formatNumber(v, lang)}
            />
          ) : (
            <Empty>{t('usage.noData')}</Empty>
          )
        ) : overview.error ? null : (
          <Loading />
        )}
      </Card>

      <div className="grid-2">
        <Card title={t('company.topTenants')} testId="top-tenants">
          {overview.data || !overview.error ? (
            <DataTable
              label={t('company.topTenants')}
              rows={overview.data?.top_tenants_by_usage ?? []}
              loading={!overview.data}
              empty={t('common.empty')}
              rowKey={(tt, i) => tt.tenant_id ?? i}
              columns={[
                {
                  header: t('tenant.name'),
                  rowHeader: true,
                  cell: (tt) =>
                    tt.tenant_id ? (
                      <Link to={`/app/company/tenants/${encodeURIComponent(tt.tenant_id)}`}>{tt.tenant_name}</Link>
                    ) : (
                      tt.tenant_name
                    ),
                },
                { header: t('kpi.requests'), align: 'right', cell: (tt) => formatNumber(tt.total_requests, lang) },
                { header: t('kpi.successRate'), align: 'right', cell: (tt) => formatPercent(tt.success_rate, lang) },
              ]}
            />
          ) : null}
        </Card>
        <Card title={t('company.topAgents')} testId="top-agents">
          {overview.data || !overview.error ? (
            <DataTable
              label={t('company.topAgents')}
              rows={overview.data?.top_agents_by_usage ?? []}
              loading={!overview.data}
              empty={t('common.empty')}
              rowKey={(a, i) => a.agent_id + i}
              columns={[
                { header: t('agents.name'), rowHeader: true, cell: (a) => a.agent_name },
                { header: t('kpi.requests'), align: 'right', cell: (a) => formatNumber(a.total_requests, lang) },
                { header: t('kpi.successRate'), align: 'right', cell: (a) => formatPercent(a.success_rate, lang) },
              ]}
            />
          ) : null}
        </Card>
      </div>

      <Card title={t('company.recentIncidents')} testId="recent-incidents">
        {overview.data ? (
          overview.data.recent_incidents?.length ? (
            <ul className="incident-list">
              {overview.data.recent_incidents.map((i) => (
                <li key={i.id} className="incident">
                  <div className="incident-head">
                    <Badge prefix="severity" value={i.severity} />
                    <strong>{i.title}</strong>
                    <Badge prefix="status" value={i.status} />
                  </div>
                  <p className="muted small">
                    {i.tenant_id ? (
                      <Link to={`/app/company/tenants/${encodeURIComponent(i.tenant_id)}`}>
                        {i.tenant_name ?? i.tenant_id}
                      </Link>
                    ) : (
                      t('company.globalIncident')
                    )}{' '}
                    · {formatDateTime(i.created_at, lang)}
                  </p>
                </li>
              ))}
            </ul>
          ) : (
            <Empty>{t('company.noIncidents')}</Empty>
          )
        ) : overview.error ? null : (
          <Loading />
        )}
      </Card>
    </Page>
  );
}

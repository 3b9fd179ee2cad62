import { useSearchParams } from 'react-router-dom';
import { useTenantUsage } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCompact, formatMoney, formatMs, formatNumber, formatPercent } from '../../lib/format';
import { Card, Empty, Kpi, KpiGrid, Page, QueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { ExportCsvButton } from '../../components/ExportCsv';
import { BarChart, LineChart, PALETTE } from '../../components/Charts';
import { parsePeriod, PeriodPicker, TimeZoneNote, type Period } from '../../components/PeriodPicker';

export default function UsagePage() {
  const { t, lang } = useI18n();
  const { tenantId } = useTenantContext();
  const [params, setParams] = useSearchParams();
  const period = parsePeriod(params.get('period'));
  const usage = useTenantUsage(tenantId, period);

  const setPeriod = (p: Period) => {
    const next = new URLSearchParams(params);
    if (p === '30d') next.delete('period');
    else next.set('period', p);
    setParams(next, { replace: true });
  };

  return (
    <Page
      testId="page-usage"
      title={t('usage.title')}
      subtitle={
        <>
          {t('usage.subtitle')} <TimeZoneNote answer={usage.data} testId="usage-time-zone" />
        </>
      }
      actions={
        <>
          <PeriodPicker value={period} onChange={setPeriod} testId="usage-period" />
          <ExportCsvButton
            path="/tenant/usage"
            filters={{ period, by: 'day', tenant_id: tenantId ?? undefined }}
            fallbackName="painel-usage-by-day.csv"
            testId="usage-export-days"
            label="export.byDay"
          />
          <ExportCsvButton
            path="/tenant/usage"
            filters={{ period, by: 'agent', tenant_id: tenantId ?? undefined }}
            fallbackName="painel-usage-by-agent.csv"
            testId="usage-export-agents"
            label="export.byAgent"
          />
        </>
      }
    >
      <QueryView query={usage}>
        {(u) => (
          <div aria-busy={usage.isFetching} data-testid="usage-content" data-period={period}>
            <KpiGrid>
              <Kpi
                testId="kpi-total-requests"
                label={t('usage.totalRequests')}
                value={formatCompact(u.summary.total_requests, lang)}
              />
              <Kpi
                testId="kpi-usage-success-rate"
                label={t('kpi.successRate')}
                value={formatPercent(u.summary.success_rate, lang)}
                hint={t('usage.failedN', { n: formatNumber(u.summary.failed_requests ?? 0, lang) })}
              />
              <Kpi
                testId="kpi-avg-response"
                label={t('usage.avgResponse')}
                value={formatMs(u.summary.avg_response_time_ms, lang)}
              />
              <Kpi testId="kpi-tokens" label={t('usage.tokens')} value={formatCompact(u.summary.total_tokens, lang)} />
              {typeof u.summary.cost === 'number' ? (
                <Kpi testId="kpi-cost" label={t('usage.cost')} value={formatMoney(u.summary.cost, lang)} />
              ) : null}
            </KpiGrid>
            <div className="grid-2">
              <Card title={t('usage.byDay')}>
                {u.daily_data.length ? (
                  <LineChart
                    testId="chart-usage-daily"
                    title={t('usage.byDay')}
                    days={u.daily_data.map((d) => d.date)}
                    timeZone={u.time_zone}
                    series={[
                      { label: t('usage.total'), data: u.daily_data.map((d) => d.total_requests) },
                      {
                        label: t('usage.successful'),
                        data: u.daily_data.map((d) => d.successful_requests ?? 0),
                        color: PALETTE[2],
                      },
                      {
                        label: t('usage.failed'),
                        data: u.daily_data.map((d) => d.failed_requests ?? 0),
                        color: PALETTE[1],
                        axis: 'y1',
                      },
                    ]}
                    formatValue={(v) => formatNumber(v, lang)}
                  />
                ) : (
                  <Empty>{t('usage.noData')}</Empty>
                )}
              </Card>
              <Card title={t('usage.byAgent')}>
                {u.by_agent.length ? (
                  <BarChart
                    testId="chart-usage-by-agent"
                    title={t('usage.byAgent')}
                    horizontal
                    height={Math.max(200, u.by_agent.length * 34 + 60)}
                    labels={u.by_agent.map((a) => a.agent_name)}
                    series={[{ label: t('usage.total'), data: u.by_agent.map((a) => a.total_requests) }]}
                    formatValue={(v) => formatNumber(v, lang)}
                  />
                ) : (
                  <Empty>{t('usage.noData')}</Empty>
                )}
              </Card>
            </div>
            {u.by_agent.length ? (
              <Card title={t('usage.agentTable')}>
                <DataTable
                  label={t('usage.agentTable')}
                  testId="usage-agent-table"
                  rows={u.by_agent}
                  rowKey={(a) => a.agent_id}
                  columns={[
                    { header: t('agents.name'), rowHeader: true, cell: (a) => a.agent_name },
                    {
                      header: t('usage.totalRequests'),
                      align: 'right',
                      cell: (a) => formatNumber(a.total_requests, lang),
                    },
                    { header: t('kpi.successRate'), align: 'right', cell: (a) => formatPercent(a.success_rate, lang) },
                  ]}
                />
              </Card>
            ) : null}
          </div>
        )}
      </QueryView>
    </Page>
  );
}

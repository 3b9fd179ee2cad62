import { useSearchParams } from 'react-router-dom';
import { useBillingOverview } from '../../api/hooks';
import { useAuth } from '../../auth/AuthProvider';
import { canSeeBilling } from '../../auth/guard';
import { useI18n } from '../../i18n/I18nProvider';
import { formatMoney, formatMoneyCompact, formatNumber } from '../../lib/format';
import { Card, Empty, Kpi, KpiGrid, Page, QueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { BarChart, LineChart } from '../../components/Charts';
import { parsePeriod, PeriodPicker, TimeZoneNote, type Period } from '../../components/PeriodPicker';

export default function Billing() {
  const { t, te, lang } = useI18n();
  const { role } = useAuth();
  const allowed = canSeeBilling(role);
  const [params, setParams] = useSearchParams();
  const period = parsePeriod(params.get('period'));
  const q = useBillingOverview(period, allowed);
  const setPeriod = (p: Period) => setParams(p === '30d' ? {} : { period: p }, { replace: true });
  const money = (v: number) => formatMoney(v, lang);

  if (!allowed) {
    return (
      <Page testId="page-billing" title={t('billing.title')}>
        <div className="state state-error" role="alert" data-testid="forbidden">
          {t('error.forbidden')}
        </div>
      </Page>
    );
  }

  return (
    <Page
      testId="page-billing"
      title={t('billing.title')}
      subtitle={
        <>
          {t('billing.subtitle')} <TimeZoneNote answer={q.data} testId="billing-time-zone" />
        </>
      }
      actions={<PeriodPicker value={period} onChange={setPeriod} testId="billing-period" />}
    >
      <QueryView query={q}>
        {(b) => (
          <>
            <KpiGrid>
              <Kpi
                testId="kpi-total-mrr"
                label={t('kpi.mrr')}
                value={formatMoney(b.financial_summary.total_mrr, lang)}
              />
              <Kpi
                testId="kpi-total-arr"
                label={t('billing.arr')}
                value={formatMoney(b.financial_summary.total_arr, lang)}
              />
              <Kpi
                testId="kpi-avg-mrr"
                label={t('billing.avgMrr')}
                value={formatMoney(b.financial_summary.avg_mrr_per_tenant, lang)}
              />
              <Kpi
                testId="kpi-new-mrr"
                label={t('billing.newMrr')}
                value={formatMoney(b.financial_summary.new_mrr_this_period, lang)}
              />
              <Kpi
                testId="kpi-churned-mrr"
                label={t('billing.churnedMrr')}
                value={formatMoney(b.financial_summary.churned_mrr_this_period, lang)}
              />
            </KpiGrid>
            <div className="grid-2">
              <Card title={t('billing.revenueTrend')}>
                {b.revenue_trend.length ? (
                  <LineChart
                    testId="chart-billing-revenue"
                    title={t('billing.revenueTrend')}
                    days={b.revenue_trend.map((r) => r.date)}
                    timeZone={b.time_zone}
                    levels
                    series={[{ label: t('kpi.mrr'), data: b.revenue_trend.map((r) => r.mrr) }]}
                    formatValue={money}
                    formatTick={(v) => formatMoneyCompact(v, lang)}
                  />
                ) : (
                  <Empty />
                )}
              </Card>
              <Card title={t('billing.mrrByPlan')}>
                {b.by_plan.length ? (
                  <BarChart
                    testId="chart-billing-by-plan"
                    title={t('billing.mrrByPlan')}
                    labels={b.by_plan.map((p) => te('plan', p.plan_name))}
                    series={[{ label: t('kpi.mrr'), data: b.by_plan.map((p) => p.total_mrr) }]}
                    formatValue={money}
                    formatTick={(v) => formatMoneyCompact(v, lang)}
                  />
                ) : (
                  <Empty />
                )}
              </Card>
            </div>
            <div className="grid-2">
              <Card title={t('billing.byPlan')}>
                <DataTable
                  label={t('billing.byPlan')}
                  testId="billing-by-plan"
                  rows={b.by_plan}
                  rowKey={(p) => p.plan_name}
                  columns={[
                    { header: t('tenant.plan'), rowHeader: true, cell: (p) => te('plan', p.plan_name) },
                    { header: t('billing.tenants'), align: 'right', cell: (p) => formatNumber(p.tenant_count, lang) },
                    { header: t('kpi.mrr'), align: 'right', cell: (p) => money(p.total_mrr) },
                  ]}
                />
              </Card>
              <Card title={t('billing.bySegment')}>
                <DataTable
                  label={t('billing.bySegment')}
                  testId="billing-by-segment"
                  rows={b.by_segment}
                  rowKey={(p) => p.segment}
                  columns={[
                    { header: t('tenant.segment'), rowHeader: true, cell: (p) => te('segment', p.segment) },
                    { header: t('billing.tenants'), align: 'right', cell: (p) => formatNumber(p.tenant_count, lang) },
                    { header: t('kpi.mrr'), align: 'right', cell: (p) => money(p.total_mrr) },
                  ]}
                />
              </Card>
            </div>
          </>
        )}
      </QueryView>
    </Page>
  );
}

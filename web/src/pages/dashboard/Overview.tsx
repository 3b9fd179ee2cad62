import { Link } from 'react-router-dom';
import { useTenantAgents, useTenantIntegrations, useTenantMe, useTenantUsage } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCnpj, formatCompact, formatDay, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Card, ErrorState, Kpi, KpiGrid, Loading, Page, Empty } from '../../components/ui';
import { LineChart } from '../../components/Charts';

export default function DashboardOverview() {
  const { t, te, lang } = useI18n();
  const { tenantId, link } = useTenantContext();
  const me = useTenantMe(tenantId);
  const agents = useTenantAgents(tenantId, 'active');
  const usage = useTenantUsage(tenantId, '30d');
  const integrations = useTenantIntegrations(tenantId);

  const dash = '—';
  const activeAgents = me.data?.usage?.active_agents ?? agents.data?.agents.filter((a) => a.status === 'active').length;
  const ints = integrations.data?.integrations ?? [];
  const intActive = ints.filter((i) => i.status === 'active' || i.status === 'connected').length;
  const intErrors = ints.filter((i) => i.status === 'error' || !!i.last_error).length;

  if (me.error && !me.data) {
    return (
      <Page testId="page-dashboard" title={t('dashboard.title')}>
        <ErrorState error={me.error} onRetry={() => me.refetch()} />
      </Page>
    );
  }

  return (
    <Page
      testId="page-dashboard"
      title={me.data?.name ?? t('dashboard.title')}
      subtitle={
        me.data ? (
          <>
            {t('dashboard.subtitle')} · <Badge prefix="status" value={me.data.status} /> · {t('tenant.plan')}:{' '}
            {te('plan', me.data.plan)}
          </>
        ) : (
          t('dashboard.subtitle')
        )
      }
    >
      <KpiGrid>
        <Kpi
          testId="kpi-active-agents"
          label={t('kpi.activeAgents')}
          value={activeAgents !== undefined ? formatNumber(activeAgents, lang) : dash}
          hint={me.data?.limits?.max_agents ? t('kpi.ofLimit', { limit: formatNumber(me.data.limits.max_agents, lang) }) : undefined}
        />
        <Kpi
          testId="kpi-requests-30d"
          label={t('kpi.requests30d')}
          value={usage.data ? formatCompact(usage.data.summary.total_requests, lang) : dash}
          hint={
            me.data?.limits?.max_requests_per_month
              ? t('kpi.thisMonthOfLimit', {
                  used: formatCompact(me.data.usage?.requests_this_month ?? 0, lang),
                  limit: formatCompact(me.data.limits.max_requests_per_month, lang),
                })
              : undefined
          }
        />
        <Kpi
          testId="kpi-success-rate"
          label={t('kpi.successRate')}
          value={usage.data ? formatPercent(usage.data.summary.success_rate, lang) : dash}
          hint={t('kpi.last30d')}
        />
        <Kpi
          testId="kpi-integrations"
          label={t('kpi.integrations')}
          value={integrations.data ? `${formatNumber(intActive, lang)} / ${formatNumber(ints.length, lang)}` : dash}
          hint={intErrors ? t('kpi.integrationsWithErrors', { n: intErrors }) : t('kpi.integrationsActive')}
        />
      </KpiGrid>

      <Card title={t('dashboard.usageChart')}>
        {usage.data ? (
          usage.data.daily_data.length ? (
            <LineChart
              testId="chart-dashboard-usage"
              title={t('dashboard.usageChart')}
              labels={usage.data.daily_data.map((d) => formatDay(d.date, lang, true))}
              series={[
                { label: t('usage.total'), data: usage.data.daily_data.map((d) => d.total_requests) },
                { label: t('usage.failed'), data: usage.data.daily_data.map((d) => d.failed_requests ?? 0) },
              ]}
              formatValue={(v) => formatNumber(v, lang)}
            />
          ) : (
            <Empty>{t('usage.noData')}</Empty>
          )
        ) : usage.error ? (
          <ErrorState error={usage.error} onRetry={() => usage.refetch()} />
        ) : (
          <Loading />
        )}
        <p>
          <Link to={link('/app/dashboard/usage')}>{t('dashboard.seeUsage')} →</Link>
        </p>
      </Card>

      {me.data ? (
        <Card title={t('dashboard.company')}>
          <dl className="facts">
            <div><dt>{t('tenant.cnpj')}</dt><dd>{formatCnpj(me.data.cnpj)}</dd></div>
            <div><dt>{t('tenant.segment')}</dt><dd>{me.data.segment ? te('segment', me.data.segment) : dash}</dd></div>
            <div><dt>{t('tenant.activeUsers')}</dt><dd>{formatNumber(me.data.usage?.active_users, lang)}{me.data.limits?.max_users ? ` / ${formatNumber(me.data.limits.max_users, lang)}` : ''}</dd></div>
            <div><dt>{t('tenant.requestsThisMonth')}</dt><dd>{formatNumber(me.data.usage?.requests_this_month, lang)}</dd></div>
          </dl>
        </Card>
      ) : (
        <Loading />
      )}
    </Page>
  );
}

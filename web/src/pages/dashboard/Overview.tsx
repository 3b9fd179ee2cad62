import { Link } from 'react-router-dom';
import { useTenantAgents, useTenantIntegrations, useTenantMe, useTenantUsage } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCnpj, formatCompact, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Card, ErrorState, Kpi, KpiGrid, Loading, Page, Empty } from '../../components/ui';
import { LineChart, PALETTE } from '../../components/Charts';
import { quotaState } from '../../lib/quota';
import type { Lang } from '../../i18n/translate';

const pct = (ratio: number, lang: Lang) =>
  new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'pt-BR', { style: 'percent', maximumFractionDigits: 1 }).format(
    ratio,
  );

/** "N de M requisições este mês", a bar, and a warning from 80 % / at the limit. Nothing without a limit. */
export function RequestQuota({ used, limit }: { used: number | undefined; limit: number | undefined }) {
  const { t, lang } = useI18n();
  const q = quotaState(used, limit);
  if (!q) return null;
  const percent = pct(q.ratio, lang);
  return (
    <Card title={t('quota.title')} testId="request-quota">
      {q.level === 'reached' ? (
        <div className="notice notice-error" role="alert" data-testid="quota-reached">
          {t('quota.reached', { percent })}
        </div>
      ) : q.level === 'warn' ? (
        <div className="notice notice-warn" role="status" data-testid="quota-warn">
          {t('quota.warn', { percent })}
        </div>
      ) : null}
      <p className="quota-text" data-testid="quota-text" data-level={q.level}>
        {t('quota.usage', { used: formatNumber(q.used, lang), limit: formatNumber(q.limit, lang) })} · {percent}
      </p>
      <div
        className={`quota-bar quota-${q.level}`}
        role="progressbar"
        aria-label={t('quota.barLabel')}
        aria-valuemin={0}
        aria-valuemax={q.limit}
        aria-valuenow={Math.min(q.used, q.limit)}
        aria-valuetext={percent}
        data-testid="quota-bar"
      >
        <div className="quota-fill" style={{ width: `${q.barPercent}%` }} />
      </div>
    </Card>
  );
}

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
          hint={
            me.data?.limits?.max_agents
              ? t('kpi.ofLimit', { limit: formatNumber(me.data.limits.max_agents, lang) })
              : undefined
          }
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

      {me.data ? (
        <RequestQuota used={me.data.usage?.requests_this_month} limit={me.data.limits?.max_requests_per_month} />
      ) : null}

      <Card title={t('dashboard.usageChart')}>
        {usage.data ? (
          usage.data.daily_data.length ? (
            <LineChart
              testId="chart-dashboard-usage"
              title={t('dashboard.usageChart')}
              days={usage.data.daily_data.map((d) => d.date)}
              timeZone={usage.data.time_zone}
              series={[
                { label: t('usage.total'), data: usage.data.daily_data.map((d) => d.total_requests) },
                {
                  label: t('usage.failed'),
                  data: usage.data.daily_data.map((d) => d.failed_requests ?? 0),
                  color: PALETTE[1],
                  axis: 'y1',
                },
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
            <div>
              <dt>{t('tenant.cnpj')}</dt>
              <dd>{formatCnpj(me.data.cnpj)}</dd>
            </div>
            <div>
              <dt>{t('tenant.segment')}</dt>
              <dd>{me.data.segment ? te('segment', me.data.segment) : dash}</dd>
            </div>
            <div>
              <dt>{t('tenant.activeUsers')}</dt>
              <dd>
                {formatNumber(me.data.usage?.active_users, lang)}
                {me.data.limits?.max_users ? ` / ${formatNumber(me.data.limits.max_users, lang)}` : ''}
              </dd>
            </div>
            <div>
              <dt>{t('tenant.requestsThisMonth')}</dt>
              <dd>{formatNumber(me.data.usage?.requests_this_month, lang)}</dd>
            </div>
          </dl>
        </Card>
      ) : (
        <Loading />
      )}
    </Page>
  );
}

import { useSearchParams } from 'react-router-dom';
import { useTenantAgents } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { formatDateTime, formatMs, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Field, Page, QueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import type { TenantAgent } from '../../api/types';

/** The agent's usage over 30 days, under whichever of its two names the answer carries. */
const usage = (a: TenantAgent) => a.usage_last_30_days ?? a.usage_stats ?? {};

const STATUSES = ['active', 'inactive', 'all'] as const;
type S = (typeof STATUSES)[number];

export default function DashboardAgents() {
  const { t, te, lang } = useI18n();
  const { tenantId } = useTenantContext();
  const [params, setParams] = useSearchParams();
  const status: S = (STATUSES as readonly string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as S)
    : 'active';
  const agents = useTenantAgents(tenantId, status);

  const setStatus = (s: string) => {
    const p = new URLSearchParams(params);
    if (s === 'active') p.delete('status');
    else p.set('status', s);
    setParams(p, { replace: true });
  };

  return (
    <Page
      testId="page-agents"
      title={t('agents.title')}
      subtitle={t('agents.subtitle')}
      actions={
        <Field id="agents-status" label={t('common.status')}>
          <select
            id="agents-status"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
            data-testid="agents-status-filter"
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {te('filter', s)}
              </option>
            ))}
          </select>
        </Field>
      }
    >
      <QueryView query={agents} empty={(d) => d.agents.length === 0}>
        {(d) => (
          <DataTable
            label={t('agents.title')}
            testId="agents-table"
            rows={d.agents}
            rowKey={(a) => a.id}
            rowAttributes={() => ({ 'data-testid': 'agent-row' })}
            columns={[
              {
                header: t('agents.name'),
                rowHeader: true,
                cell: (a) => (
                  <>
                    {a.name}
                    {a.segment ? <div className="muted small">{te('segment', a.segment)}</div> : null}
                  </>
                ),
              },
              { header: t('agents.subnucleus'), cell: (a) => te('subnucleus', a.subnucleus) },
              { header: t('common.status'), cell: (a) => <Badge prefix="status" value={a.status} /> },
              {
                header: t('agents.requests30d'),
                align: 'right',
                cell: (a) => formatNumber(usage(a).total_requests, lang),
              },
              { header: t('kpi.successRate'), align: 'right', cell: (a) => formatPercent(usage(a).success_rate, lang) },
              {
                header: t('agents.avgResponse'),
                align: 'right',
                cell: (a) => formatMs(usage(a).avg_response_time_ms, lang),
              },
              { header: t('agents.activatedAt'), cell: (a) => formatDateTime(a.activated_at, lang) },
            ]}
          />
        )}
      </QueryView>
    </Page>
  );
}

import { useSearchParams } from 'react-router-dom';
import { useTenantAgents } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { formatDateTime, formatMs, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Field, Page, QueryView, TableWrap } from '../../components/ui';

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
          <TableWrap label={t('agents.title')} testId="agents-table">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('agents.name')}</th>
                  <th scope="col">{t('agents.subnucleus')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col" className="num">
                    {t('agents.requests30d')}
                  </th>
                  <th scope="col" className="num">
                    {t('kpi.successRate')}
                  </th>
                  <th scope="col" className="num">
                    {t('agents.avgResponse')}
                  </th>
                  <th scope="col">{t('agents.activatedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {d.agents.map((a) => {
                  const u = a.usage_last_30_days ?? a.usage_stats ?? {};
                  return (
                    <tr key={a.id} data-testid="agent-row">
                      <th scope="row">
                        {a.name}
                        {a.segment ? <div className="muted small">{te('segment', a.segment)}</div> : null}
                      </th>
                      <td>{te('subnucleus', a.subnucleus)}</td>
                      <td>
                        <Badge prefix="status" value={a.status} />
                      </td>
                      <td className="num">{formatNumber(u.total_requests, lang)}</td>
                      <td className="num">{formatPercent(u.success_rate, lang)}</td>
                      <td className="num">{formatMs(u.avg_response_time_ms, lang)}</td>
                      <td>{formatDateTime(a.activated_at, lang)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
        )}
      </QueryView>
    </Page>
  );
}

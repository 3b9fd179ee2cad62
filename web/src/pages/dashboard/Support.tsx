import { useSearchParams } from 'react-router-dom';
import { useTenantIncidents } from '../../api/hooks';
import { useTenantContext } from '../../auth/tenantContext';
import { useI18n } from '../../i18n/I18nProvider';
import { formatDateTime } from '../../lib/format';
import { Badge, Card, Page, Pagination, QueryView } from '../../components/ui';
import { ExportCsvButton } from '../../components/ExportCsv';
import { SupportRequests } from './SupportRequests';

const FILTERS = ['open', 'resolved', 'all'] as const;
const LIMIT = 20;

export default function Support() {
  const { t, te, lang } = useI18n();
  const { tenantId } = useTenantContext();
  const [params, setParams] = useSearchParams();
  const status = (FILTERS as readonly string[]).includes(params.get('status') ?? '')
    ? (params.get('status') as string)
    : 'open';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const q = useTenantIncidents(tenantId, status === 'all' ? '' : status, LIMIT, offset);

  const update = (patch: Record<string, string | null>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) p.delete(k);
      else p.set(k, v);
    }
    setParams(p, { replace: true });
  };

  return (
    <Page testId="page-support" title={t('support.title')} subtitle={t('support.subtitle')}>
      <SupportRequests />
      <Card
        title={t('support.incidents')}
        testId="support-incidents"
        actions={
          <ExportCsvButton
            path="/tenant/incidents"
            filters={{ status, tenant_id: tenantId ?? undefined }}
            fallbackName="painel-incidents.csv"
            testId="incidents-export"
          />
        }
      >
        <div className="segmented" role="group" aria-label={t('common.status')} data-testid="incidents-status-filter">
          {FILTERS.map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={status === f}
              className={status === f ? 'active' : ''}
              onClick={() => update({ status: f === 'open' ? null : f, offset: null })}
              data-testid={`incidents-filter-${f}`}
            >
              {te('filter', f)}
            </button>
          ))}
        </div>
        <QueryView query={q}>
          {(d) =>
            d.incidents.length === 0 ? (
              <div className="state state-empty" data-testid="empty">
                {status === 'open' ? t('support.noOpen') : t('common.empty')}
              </div>
            ) : (
              <>
                <ul className="incident-list" data-testid="incident-list">
                  {d.incidents.map((i) => (
                    <li key={i.id} className="incident" data-testid="incident-row">
                      <div className="incident-head">
                        <Badge prefix="severity" value={i.severity} />
                        <strong>{i.title}</strong>
                        <Badge prefix="status" value={i.status} />
                      </div>
                      {i.description ? <p>{i.description}</p> : null}
                      <p className="muted small">
                        {t('support.openedAt', { when: formatDateTime(i.created_at, lang) })}
                        {i.resolved_at
                          ? ` · ${t('support.resolvedAt', { when: formatDateTime(i.resolved_at, lang) })}`
                          : ''}
                      </p>
                    </li>
                  ))}
                </ul>
                <Pagination
                  total={d.total}
                  limit={LIMIT}
                  offset={offset}
                  onOffset={(o) => update({ offset: o ? String(o) : null })}
                />
              </>
            )
          }
        </QueryView>
      </Card>
    </Page>
  );
}

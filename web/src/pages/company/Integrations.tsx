import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../../api';
import { useTenantList } from '../../api/hooks';
import type { Integration, TenantDetail, TenantRow } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { formatDateTime } from '../../lib/format';
import { mapLimit } from '../../lib/pool';
import { TENANT_STATUSES, pageInfo } from '../../lib/tenantsQuery';
import { Badge, Card, Empty, ErrorState, Field, Loading, Page, Pagination, TableWrap } from '../../components/ui';

const PAGE = 25;
/** At most this many tenant detail requests in flight: the scan must not flood the server. */
const CONCURRENCY = 3;

interface Row {
  tenant: TenantRow;
  integration: Integration;
}

export const isIntegrationInError = (i: Integration) => i.status === 'error' || !!i.last_error;

export default function CompanyIntegrations() {
  const { t, te, lang } = useI18n();
  const qc = useQueryClient();
  const [status, setStatus] = useState<string>('active');
  const [offset, setOffset] = useState(0);
  const list = useTenantList({ status, sort_by: 'name', sort_order: 'asc', limit: PAGE, offset });
  const [scan, setScan] = useState<{ done: number; total: number; rows: Row[]; failed: number } | null>(null);

  useEffect(() => {
    const tenants = list.data?.tenants;
    if (!tenants) return;
    let cancelled = false;
    setScan({ done: 0, total: tenants.length, rows: [], failed: 0 });
    mapLimit(
      tenants,
      CONCURRENCY,
      (tn) =>
        qc.fetchQuery({
          // Same key as the tenant page, so both share the cache.
          queryKey: [`/internal/tenants/${encodeURIComponent(tn.id)}`, {}],
          queryFn: ({ signal }) => api.get<TenantDetail>(`/internal/tenants/${encodeURIComponent(tn.id)}`, undefined, signal),
          staleTime: 60_000,
        }),
      (done) => !cancelled && setScan((s) => (s ? { ...s, done } : s)),
      () => cancelled,
    ).then((results) => {
      if (cancelled) return;
      const rows: Row[] = [];
      let failed = 0;
      results.forEach((r, i) => {
        if (!r.ok) {
          failed++;
          return;
        }
        for (const integ of r.value.integrations ?? []) if (isIntegrationInError(integ)) rows.push({ tenant: tenants[i], integration: integ });
      });
      setScan({ done: tenants.length, total: tenants.length, rows, failed });
    });
    return () => {
      cancelled = true;
    };
  }, [list.data, qc]);

  const p = list.data ? pageInfo(list.data.total, PAGE, offset) : null;
  const scanning = scan && scan.done < scan.total;

  return (
    <Page testId="page-company-integrations" title={t('companyIntegrations.title')} subtitle={t('companyIntegrations.subtitle')}>
      <div className="filters">
        <Field id="ci-status" label={t('common.status')}>
          <select
            id="ci-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setOffset(0);
            }}
            data-testid="integrations-tenant-status"
          >
            {TENANT_STATUSES.map((s) => (
              <option key={s} value={s}>{te('filter', s)}</option>
            ))}
          </select>
        </Field>
      </div>
      {list.error && !list.data ? <ErrorState error={list.error} onRetry={() => list.refetch()} /> : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && p ? (
        <Card>
          <p className="muted" role="status" aria-live="polite" data-testid="integrations-scan-progress">
            {scanning
              ? t('companyIntegrations.scanning', { done: scan!.done, total: scan!.total })
              : t('companyIntegrations.scanned', { from: p.from, to: p.to, total: list.data.total })}
            {scan?.failed ? ` · ${t('companyIntegrations.failed', { n: scan.failed })}` : ''}
          </p>
          {scanning ? (
            <Loading />
          ) : scan && scan.rows.length ? (
            <TableWrap label={t('companyIntegrations.title')} testId="integrations-errors-table">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('common.tenant')}</th>
                    <th scope="col">{t('integrations.name')}</th>
                    <th scope="col">{t('common.status')}</th>
                    <th scope="col">{t('integrations.lastSync')}</th>
                    <th scope="col">{t('integrations.lastError')}</th>
                  </tr>
                </thead>
                <tbody>
                  {scan.rows.map((r) => (
                    <tr key={r.integration.id} data-testid="integration-error-row">
                      <th scope="row">
                        <Link to={`/app/company/tenants/${encodeURIComponent(r.tenant.id)}`}>{r.tenant.name}</Link>
                      </th>
                      <td>
                        {r.integration.name}
                        <div className="muted small">{te('integrationType', r.integration.type)}</div>
                      </td>
                      <td><Badge prefix="status" value={r.integration.status} /></td>
                      <td>{formatDateTime(r.integration.last_sync_at, lang)}</td>
                      <td className="error-text">{r.integration.last_error ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          ) : (
            <Empty>{t('companyIntegrations.none')}</Empty>
          )}
          <Pagination total={list.data.total} limit={PAGE} offset={offset} onOffset={setOffset} />
        </Card>
      ) : null}
    </Page>
  );
}

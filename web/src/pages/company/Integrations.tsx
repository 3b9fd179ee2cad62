// /app/company/integrations: integrations with an error across all tenants, in ONE request
// (GET /internal/integrations?status=error, most recent error first), with filters.

import { Link, useSearchParams } from 'react-router-dom';
import { useInternalIntegrations } from '../../api/admin';
import { TenantPicker } from '../../components/TenantPicker';
import { Badge, Field, Page, PagedQueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { INTEGRATION_TYPES } from '../../lib/admin';
import { formatDateTime } from '../../lib/format';
import { currentParams, readFilters, writeFilters } from '../../lib/urlFilters';

const PAGE = 25;
const STATUSES = ['error', 'active', 'inactive', 'all'] as const;
/** Filters in the URL (`?status=&type=&tenant_id=&offset=`); the default view is the errors. */
const DEFAULTS = { status: 'error', type: '', tenant_id: '' };

export default function CompanyIntegrations() {
  const { t, te, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const { status, type, tenant_id: tenantId, offset } = readFilters(params, DEFAULTS);
  const q = useInternalIntegrations({
    status,
    type: type || undefined,
    tenant_id: tenantId || undefined,
    limit: PAGE,
    offset,
  });
  const set = (patch: Partial<typeof DEFAULTS> & { offset?: number }) =>
    setParams(writeFilters(currentParams(), DEFAULTS, patch), { replace: true });
  const setOffset = (o: number) => set({ offset: o });

  return (
    <Page
      testId="page-company-integrations"
      title={t('companyIntegrations.title')}
      subtitle={t('companyIntegrations.subtitle')}
    >
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="ci-status" label={t('common.status')}>
          <select
            id="ci-status"
            value={status}
            onChange={(e) => set({ status: e.target.value })}
            data-testid="integrations-status-filter"
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {te('filter', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="ci-type" label={t('companyIntegrations.type')}>
          <select
            id="ci-type"
            value={type}
            onChange={(e) => set({ type: e.target.value })}
            data-testid="integrations-type-filter"
          >
            <option value="">{t('filter.all')}</option>
            {INTEGRATION_TYPES.map((s) => (
              <option key={s} value={s}>
                {te('integrationType', s)}
              </option>
            ))}
          </select>
        </Field>
        <TenantPicker
          id="ci-tenant"
          label={t('common.tenant')}
          value={tenantId}
          onChange={(v) => set({ tenant_id: v })}
          allowEmpty
          emptyLabel={t('filter.all')}
          testId="integrations-tenant-filter"
        />
      </form>
      <PagedQueryView
        query={q}
        isEmpty={(d) => d.integrations.length === 0}
        emptyText={status === 'error' ? t('companyIntegrations.none') : t('common.empty')}
        limit={PAGE}
        offset={offset}
        onOffset={setOffset}
      >
        {(d) => (
          <DataTable
            label={t('companyIntegrations.title')}
            testId="integrations-errors-table"
            rows={d.integrations}
            rowKey={(i) => i.id}
            rowAttributes={(i) => ({ 'data-testid': 'integration-error-row', 'data-integration-id': i.id })}
            columns={[
              {
                header: t('common.tenant'),
                rowHeader: true,
                cell: (i) => (
                  <Link to={`/app/company/tenants/${encodeURIComponent(i.tenant_id)}`}>
                    {i.tenant_name ?? i.tenant_id}
                  </Link>
                ),
              },
              {
                header: t('integrations.name'),
                cell: (i) => (
                  <>
                    {i.name}
                    <div className="muted small">{te('integrationType', i.type)}</div>
                  </>
                ),
              },
              { header: t('common.status'), cell: (i) => <Badge prefix="status" value={i.status} /> },
              {
                header: t('integrations.lastSync'),
                className: 'nowrap',
                cell: (i) => formatDateTime(i.last_sync_at, lang),
              },
              {
                header: t('integrations.lastError'),
                className: 'error-text',
                cell: (i) => (
                  <>
                    {i.last_error ?? ''}
                    {i.last_error_at ? (
                      <div className="muted small">
                        {t('companyIntegrations.since')}: {formatDateTime(i.last_error_at, lang)}
                      </div>
                    ) : null}
                  </>
                ),
              },
            ]}
          />
        )}
      </PagedQueryView>
    </Page>
  );
}

import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTenantList } from '../../api/hooks';
import { useI18n } from '../../i18n/I18nProvider';
import { formatCnpj, formatDay, formatMoney, formatNumber } from '../../lib/format';
import {
  PAGE_SIZES,
  parseTenantListState,
  TENANT_PLANS,
  TENANT_STATUSES,
  toApiQuery,
  toggleSort,
  toSearchParams,
  updateTenantListState,
  type SortField,
  type TenantListState,
} from '../../lib/tenantsQuery';
import { useDebounced } from '../../lib/useDebounced';
import { useAuth } from '../../auth/AuthProvider';
import { NewTenantButton } from './TenantForms';
import { SEGMENTS } from '../../lib/admin';
import { Badge, ErrorState, Field, Loading, Page, Pagination } from '../../components/ui';
import { DataTable, type Column } from '../../components/DataTable';
import type { TenantRow } from '../../api/types';
import { ExportCsvButton } from '../../components/ExportCsv';

export default function Tenants() {
  const { t, te, lang } = useI18n();
  const { role } = useAuth();
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseTenantListState(params), [params]);
  const setState = (next: TenantListState) => setParams(toSearchParams(next));
  const patch = (p: Partial<TenantListState>) => setState(updateTenantListState(state, p));

  // Typing is local; the URL (and the request) follow after a pause.
  const [search, setSearch] = useState(state.search);
  const [segment, setSegment] = useState(state.segment);
  const dSearch = useDebounced(search);
  const dSegment = useDebounced(segment);
  const lastUrl = useRef({ search: state.search, segment: state.segment });
  useEffect(() => {
    // URL changed from outside (back button, link): show it in the inputs.
    if (state.search !== lastUrl.current.search) setSearch(state.search);
    if (state.segment !== lastUrl.current.segment) setSegment(state.segment);
    lastUrl.current = { search: state.search, segment: state.segment };
  }, [state.search, state.segment]);
  // Written when the typed text settles, with the latest URL state.
  const settle = useEffectEvent((search: string, segment: string) => {
    if (search !== state.search || segment !== state.segment) {
      lastUrl.current = { search, segment };
      setState(updateTenantListState(state, { search, segment }));
    }
  });
  useEffect(() => settle(dSearch, dSegment), [dSearch, dSegment]);

  const q = useTenantList(toApiQuery(state));

  /** A column the list sorts by: its header is the sort button, aria-sort says the order. */
  const sortable = (field: SortField, label: string, column: Omit<Column<TenantRow>, 'header'>): Column<TenantRow> => {
    const active = state.sort_by === field;
    return {
      ...column,
      key: field,
      sort: active ? (state.sort_order === 'asc' ? 'ascending' : 'descending') : 'none',
      header: (
        <button
          type="button"
          className="sort-btn"
          onClick={() => setState(toggleSort(state, field))}
          data-testid={`sort-${field}`}
        >
          {label}
          <span aria-hidden="true" className="sort-icon">
            {active ? (state.sort_order === 'asc' ? '▲' : '▼') : '↕'}
          </span>
        </button>
      ),
    };
  };

  return (
    <Page
      testId="page-tenants"
      title={t('tenants.title')}
      subtitle={t('tenants.subtitle')}
      actions={role === 'INTERNAL_ADMIN' ? <NewTenantButton /> : undefined}
    >
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()} aria-label={t('tenants.filters')}>
        <Field id="tenant-search" label={t('tenants.search')}>
          <input
            id="tenant-search"
            type="search"
            value={search}
            placeholder={t('tenants.searchPlaceholder')}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="tenant-search"
            autoComplete="off"
          />
        </Field>
        <Field id="tenant-status" label={t('common.status')}>
          <select
            id="tenant-status"
            value={state.status}
            onChange={(e) => patch({ status: e.target.value as TenantListState['status'] })}
            data-testid="tenant-status-filter"
          >
            {TENANT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {te('filter', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="tenant-plan" label={t('tenant.plan')}>
          <select
            id="tenant-plan"
            value={state.plan}
            onChange={(e) => patch({ plan: e.target.value })}
            data-testid="tenant-plan-filter"
          >
            <option value="">{t('filter.all')}</option>
            {TENANT_PLANS.map((p) => (
              <option key={p} value={p}>
                {te('plan', p)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="tenant-segment" label={t('tenant.segment')}>
          <input
            id="tenant-segment"
            type="text"
            list="tenant-segments"
            value={segment}
            onChange={(e) => setSegment(e.target.value)}
            data-testid="tenant-segment-filter"
            autoComplete="off"
          />
          <datalist id="tenant-segments">
            {SEGMENTS.map((s) => (
              <option key={s} value={te('segment', s)} />
            ))}
          </datalist>
        </Field>
        <Field id="tenant-page-size" label={t('pagination.pageSize')}>
          <select
            id="tenant-page-size"
            value={state.limit}
            onChange={(e) => patch({ limit: Number(e.target.value) })}
            data-testid="tenant-page-size"
          >
            {(PAGE_SIZES as readonly number[]).includes(state.limit) ? null : (
              <option value={state.limit}>{state.limit}</option>
            )}
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </Field>
        <ExportCsvButton
          path="/internal/tenants"
          filters={toApiQuery(state)}
          fallbackName="painel-tenants.csv"
          testId="tenants-export"
        />
      </form>

      {q.data ? (
        <div aria-busy={q.isFetching}>
          <DataTable
            label={t('tenants.title')}
            testId="tenants-table"
            rows={q.data.tenants}
            empty={t('tenants.none')}
            rowKey={(x) => x.id}
            rowAttributes={(x) => ({ 'data-testid': 'tenant-row', 'data-tenant-id': x.id })}
            columns={[
              sortable('name', t('tenant.name'), {
                rowHeader: true,
                cell: (x) => <Link to={`/app/company/tenants/${encodeURIComponent(x.id)}`}>{x.name}</Link>,
              }),
              { header: t('tenant.cnpj'), className: 'nowrap', cell: (x) => formatCnpj(x.cnpj) },
              { header: t('tenant.plan'), cell: (x) => te('plan', x.plan) },
              { header: t('common.status'), cell: (x) => <Badge prefix="status" value={x.status} /> },
              { header: t('tenant.segment'), cell: (x) => te('segment', x.segment) },
              sortable('mrr_estimate', t('tenant.mrr'), {
                align: 'right',
                cell: (x) => formatMoney(x.mrr_estimate, lang),
              }),
              { header: t('tenant.agents'), align: 'right', cell: (x) => formatNumber(x.active_agents, lang) },
              {
                header: t('tenant.requests30d'),
                align: 'right',
                cell: (x) => formatNumber(x.requests_last_30_days, lang),
              },
              sortable('created_at', t('tenant.createdAt'), {
                className: 'nowrap',
                cell: (x) => formatDay(x.created_at, lang),
              }),
            ]}
          />
          <Pagination
            total={q.data.total}
            limit={state.limit}
            offset={state.offset}
            onOffset={(o) => patch({ offset: o })}
          />
        </div>
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Loading />
      )}
    </Page>
  );
}

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
import { Badge, Empty, ErrorState, Field, Loading, Page, Pagination, TableWrap } from '../../components/ui';
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

  const sortHeader = (field: SortField, label: string, className?: string) => {
    const active = state.sort_by === field;
    const ariaSort = active ? (state.sort_order === 'asc' ? 'ascending' : 'descending') : 'none';
    return (
      <th scope="col" aria-sort={ariaSort} className={className}>
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
      </th>
    );
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
          {q.data.tenants.length === 0 ? (
            <Empty>{t('tenants.none')}</Empty>
          ) : (
            <TableWrap label={t('tenants.title')} testId="tenants-table">
              <table className="table">
                <thead>
                  <tr>
                    {sortHeader('name', t('tenant.name'))}
                    <th scope="col">{t('tenant.cnpj')}</th>
                    <th scope="col">{t('tenant.plan')}</th>
                    <th scope="col">{t('common.status')}</th>
                    <th scope="col">{t('tenant.segment')}</th>
                    {sortHeader('mrr_estimate', t('tenant.mrr'), 'num')}
                    <th scope="col" className="num">
                      {t('tenant.agents')}
                    </th>
                    <th scope="col" className="num">
                      {t('tenant.requests30d')}
                    </th>
                    {sortHeader('created_at', t('tenant.createdAt'))}
                  </tr>
                </thead>
                <tbody>
                  {q.data.tenants.map((x) => (
                    <tr key={x.id} data-testid="tenant-row" data-tenant-id={x.id}>
                      <th scope="row">
                        <Link to={`/app/company/tenants/${encodeURIComponent(x.id)}`}>{x.name}</Link>
                      </th>
                      <td className="nowrap">{formatCnpj(x.cnpj)}</td>
                      <td>{te('plan', x.plan)}</td>
                      <td>
                        <Badge prefix="status" value={x.status} />
                      </td>
                      <td>{te('segment', x.segment)}</td>
                      <td className="num">{formatMoney(x.mrr_estimate, lang)}</td>
                      <td className="num">{formatNumber(x.active_agents, lang)}</td>
                      <td className="num">{formatNumber(x.requests_last_30_days, lang)}</td>
                      <td className="nowrap">{formatDay(x.created_at, lang)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
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

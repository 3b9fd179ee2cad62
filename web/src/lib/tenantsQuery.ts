// The tenants list keeps all of its state in the URL query string so a view can be
// shared, bookmarked and restored with the back button. These helpers are pure.

import type { Query } from '../api/client';
import { SEGMENTS } from './admin';
import { LANGS, translateEnum } from '../i18n/translate';

export const TENANT_STATUSES = ['all', 'active', 'trial', 'suspended', 'inactive'] as const;
export const TENANT_PLANS = ['starter', 'professional', 'enterprise'] as const;
export const SORT_FIELDS = ['name', 'created_at', 'mrr_estimate'] as const;
export const PAGE_SIZES = [10, 25, 50, 100] as const;

export type TenantStatusFilter = (typeof TENANT_STATUSES)[number];
export type SortField = (typeof SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

export interface TenantListState {
  search: string;
  status: TenantStatusFilter;
  plan: string;
  segment: string;
  sort_by: SortField;
  sort_order: SortOrder;
  limit: number;
  offset: number;
}

export const DEFAULT_TENANT_LIST: TenantListState = {
  search: '',
  status: 'all',
  plan: '',
  segment: '',
  sort_by: 'name',
  sort_order: 'asc',
  limit: 25,
  offset: 0,
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function intIn(value: string | null, min: number, max: number, fallback: number): number {
  if (value === null || !/^\d+$/.test(value)) return fallback;
  const n = Number(value);
  return n >= min && n <= max ? n : fallback;
}

/** Reads the state from the URL; anything missing or invalid falls back to the default. */
export function parseTenantListState(params: URLSearchParams): TenantListState {
  const d = DEFAULT_TENANT_LIST;
  const plan = params.get('plan') ?? '';
  return {
    search: (params.get('search') ?? '').slice(0, 200),
    status: oneOf(params.get('status'), TENANT_STATUSES, d.status),
    plan: plan === '' || (TENANT_PLANS as readonly string[]).includes(plan) ? plan : '',
    segment: (params.get('segment') ?? '').slice(0, 100),
    sort_by: oneOf(params.get('sort_by'), SORT_FIELDS, d.sort_by),
    sort_order: oneOf(params.get('sort_order'), ['asc', 'desc'] as const, d.sort_order),
    limit: intIn(params.get('limit'), 1, 200, d.limit),
    offset: intIn(params.get('offset'), 0, Number.MAX_SAFE_INTEGER, d.offset),
  };
}

const ORDER: (keyof TenantListState)[] = [
  'search',
  'status',
  'plan',
  'segment',
  'sort_by',
  'sort_order',
  'limit',
  'offset',
];

/** The URL form: only values that differ from the defaults, in a stable order. */
export function toSearchParams(state: TenantListState): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of ORDER) {
    const v = state[key];
    if (v === DEFAULT_TENANT_LIST[key]) continue;
    if (v === '') continue;
    p.set(key, String(v));
  }
  return p;
}

const fold = (v: string) =>
  v
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase();

/**
 * The segment code for what the user typed: the code itself or the label they see, in
 * either language, case and accents aside ("Logística", "logistica", "Logistics" →
 * `logistica`); anything else is sent as typed.
 */
export function segmentCode(input: string): string {
  const f = fold(input);
  if (!f) return '';
  for (const code of SEGMENTS) {
    if (f === code || LANGS.some((l) => fold(translateEnum(l, 'segment', code)) === f)) return code;
  }
  return input.trim();
}

/** The API query for GET /internal/tenants (status always explicit: the API defaults to active). */
export function toApiQuery(state: TenantListState): Query {
  return {
    status: state.status,
    plan: state.plan || undefined,
    segment: segmentCode(state.segment) || undefined,
    search: state.search.trim() || undefined,
    sort_by: state.sort_by,
    sort_order: state.sort_order,
    limit: state.limit,
    offset: state.offset,
  };
}

/** Applies a change; any change other than paging goes back to the first page. */
export function updateTenantListState(state: TenantListState, patch: Partial<TenantListState>): TenantListState {
  const next = { ...state, ...patch };
  const pagingOnly = Object.keys(patch).every((k) => k === 'offset');
  if (!pagingOnly) next.offset = 0;
  return next;
}

/** Clicking a column header: same column flips the order, a new column starts ascending. */
export function toggleSort(state: TenantListState, field: SortField): TenantListState {
  const order: SortOrder = state.sort_by === field ? (state.sort_order === 'asc' ? 'desc' : 'asc') : 'asc';
  return updateTenantListState(state, { sort_by: field, sort_order: order });
}

export interface PageInfo {
  page: number;
  pages: number;
  from: number;
  to: number;
  hasPrev: boolean;
  hasNext: boolean;
  prevOffset: number;
  nextOffset: number;
}

export function pageInfo(total: number, limit: number, offset: number): PageInfo {
  const safeLimit = Math.max(1, limit);
  const pages = Math.max(1, Math.ceil(total / safeLimit));
  const page = Math.floor(offset / safeLimit) + 1;
  const from = total === 0 ? 0 : Math.min(offset + 1, total);
  const to = Math.min(offset + safeLimit, total);
  return {
    page,
    pages,
    from,
    to,
    hasPrev: offset > 0,
    hasNext: offset + safeLimit < total,
    prevOffset: Math.max(0, offset - safeLimit),
    nextOffset: offset + safeLimit,
  };
}

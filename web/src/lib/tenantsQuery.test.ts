import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TENANT_LIST,
  pageInfo,
  parseTenantListState,
  segmentCode,
  toApiQuery,
  toggleSort,
  toSearchParams,
  updateTenantListState,
} from './tenantsQuery';

const parse = (qs: string) => parseTenantListState(new URLSearchParams(qs));

describe('tenants list URL state', () => {
  it('an empty query string is the default state', () => {
    expect(parse('')).toEqual(DEFAULT_TENANT_LIST);
    expect(toSearchParams(DEFAULT_TENANT_LIST).toString()).toBe('');
  });

  it('round-trips through the URL', () => {
    const s = {
      ...DEFAULT_TENANT_LIST,
      search: 'Acme 12.345',
      status: 'trial' as const,
      plan: 'enterprise',
      segment: 'varejo',
      sort_by: 'mrr_estimate' as const,
      sort_order: 'desc' as const,
      limit: 50,
      offset: 100,
    };
    const qs = toSearchParams(s).toString();
    expect(qs).toBe(
      'search=Acme+12.345&status=trial&plan=enterprise&segment=varejo&sort_by=mrr_estimate&sort_order=desc&limit=50&offset=100',
    );
    expect(parse(qs)).toEqual(s);
  });

  it('ignores invalid values instead of sending them to the API', () => {
    const s = parse('status=deleted&plan=gold&sort_by=password&sort_order=up&limit=5000&offset=-3');
    expect(s.status).toBe('all');
    expect(s.plan).toBe('');
    expect(s.sort_by).toBe('name');
    expect(s.sort_order).toBe('asc');
    expect(s.limit).toBe(25);
    expect(s.offset).toBe(0);
    expect(parse('limit=abc').limit).toBe(25);
    expect(parse('limit=200').limit).toBe(200);
  });

  it('builds the API query, status always explicit and empty filters left out', () => {
    expect(toApiQuery(DEFAULT_TENANT_LIST)).toEqual({
      status: 'all',
      plan: undefined,
      segment: undefined,
      search: undefined,
      sort_by: 'name',
      sort_order: 'asc',
      limit: 25,
      offset: 0,
    });
    expect(toApiQuery({ ...DEFAULT_TENANT_LIST, search: '  acme ' }).search).toBe('acme');
  });

  it('any filter change goes back to page one; paging keeps the filters', () => {
    const s = { ...DEFAULT_TENANT_LIST, search: 'a', offset: 75 };
    expect(updateTenantListState(s, { status: 'suspended' })).toMatchObject({
      status: 'suspended',
      offset: 0,
      search: 'a',
    });
    expect(updateTenantListState(s, { offset: 100 })).toMatchObject({ offset: 100, search: 'a' });
    expect(updateTenantListState(s, { limit: 50 }).offset).toBe(0);
  });

  it('clicking a sorted column flips the order; another column starts ascending', () => {
    const a = toggleSort({ ...DEFAULT_TENANT_LIST, offset: 50 }, 'name');
    expect(a).toMatchObject({ sort_by: 'name', sort_order: 'desc', offset: 0 });
    expect(toggleSort(a, 'name').sort_order).toBe('asc');
    expect(toggleSort(a, 'created_at')).toMatchObject({ sort_by: 'created_at', sort_order: 'asc' });
  });
});

describe('pageInfo', () => {
  it('computes the visible range and neighbours', () => {
    expect(pageInfo(120, 25, 0)).toMatchObject({
      page: 1,
      pages: 5,
      from: 1,
      to: 25,
      hasPrev: false,
      hasNext: true,
      nextOffset: 25,
    });
    expect(pageInfo(120, 25, 100)).toMatchObject({ page: 5, from: 101, to: 120, hasNext: false, prevOffset: 75 });
    expect(pageInfo(0, 25, 0)).toMatchObject({ page: 1, pages: 1, from: 0, to: 0, hasPrev: false, hasNext: false });
    expect(pageInfo(10, 25, 10)).toMatchObject({ prevOffset: 0, hasPrev: true });
  });
});

describe('segment filter', () => {
  it('matches the label users see, in either language, as well as the code', () => {
    expect(segmentCode('Logística')).toBe('logistica');
    expect(segmentCode('logistica')).toBe('logistica');
    expect(segmentCode(' LOGÍSTICA ')).toBe('logistica');
    expect(segmentCode('Logistics')).toBe('logistica');
    expect(segmentCode('Saúde')).toBe('saude');
    expect(segmentCode('algo novo')).toBe('algo novo');
    expect(segmentCode('')).toBe('');
  });
  it('sends the code to the API', () => {
    expect(toApiQuery({ ...parseTenantListState(new URLSearchParams('segment=Log%C3%ADstica')) }).segment).toBe(
      'logistica',
    );
  });
});

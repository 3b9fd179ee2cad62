// The Monitoramento dashboards' reads (GET /internal/monitoring/*, issue 17): types as
// docs/openapi.json states them, and react-query hooks that refresh on their own.

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from './index';
import { refreshMs, type Range } from '../lib/monitoring';

interface Window {
  range: Range;
  step_seconds: number;
  from: number;
  to: number;
}

export interface MonitoringEndpoint {
  method: string;
  route: string;
  requests: number;
  rate_per_s: number;
  errors_5xx: number;
  errors_4xx: number;
  error_rate: number;
  client_error_rate: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

export interface MonitoringOverview extends Window {
  instances_up: number;
  instances: { id: string; last_minute: number }[];
  totals: {
    requests: number;
    errors_5xx: number;
    errors_4xx: number;
    rate_limited: number;
    internal_errors: number;
    store_busy: number;
    store_errors: number;
    cache_hits: number;
    cache_misses: number;
    cache_hit_ratio: number;
    redis_errors: number;
    p50_ms: number;
    p95_ms: number;
    p99_ms: number;
  };
  points: {
    t: number;
    requests_per_s: number;
    errors_5xx: number;
    errors_4xx: number;
    rate_limited: number;
    p50_ms: number;
    p95_ms: number;
    p99_ms: number;
    store_busy: number;
    store_errors: number;
    cache_hit_ratio: number;
    redis_errors: number;
    rss_bytes: number;
    cpu_seconds_per_s: number;
  }[];
}

export interface MonitoringTenantApis extends Window {
  points: {
    t: number;
    requests_per_s: number;
    errors_5xx: number;
    errors_4xx: number;
    error_rate: number;
    p50_ms: number;
    p95_ms: number;
    p99_ms: number;
  }[];
  endpoints: MonitoringEndpoint[];
  top_tenants: { tenant_id: string; tenant_name: string | null; requests: number; share: number }[];
}

export interface MonitoringInternalApis extends Window {
  points: {
    t: number;
    requests_per_s: number;
    errors_5xx: number;
    p95_ms: number;
    queue_depth: number;
    queue_age_s: number;
    ingested_per_s: number;
    ingest_duplicates: number;
    ingest_rejected: number;
    aggregation_lag_s: number | null;
  }[];
  endpoints: MonitoringEndpoint[];
  users: { user_id: string; email: string | null; requests: number }[];
  commands: { type: string; created: number; finished: Record<string, number> }[];
  ingestion: { ingested: number; duplicates: number; rejected: number };
}

export type Dashboard = 'overview' | 'tenant-apis' | 'internal-apis';

function useMonitoring<T>(dashboard: Dashboard, range: Range) {
  const path = `/internal/monitoring/${dashboard}`;
  return useQuery<T>({
    queryKey: [path, { range }],
    queryFn: ({ signal }) => api.get<T>(path, { range }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: refreshMs(range),
  });
}

export const useMonitoringOverview = (range: Range) => useMonitoring<MonitoringOverview>('overview', range);
export const useMonitoringTenantApis = (range: Range) => useMonitoring<MonitoringTenantApis>('tenant-apis', range);
export const useMonitoringInternalApis = (range: Range) =>
  useMonitoring<MonitoringInternalApis>('internal-apis', range);

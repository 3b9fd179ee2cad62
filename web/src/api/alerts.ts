// The staff alerts page's reads and its one write (POST /internal/alerts/test). The state
// changes on the server every evaluation: the reads refresh on their own.

import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './index';
import type { AlertDeliveryList, AlertList } from '../lib/alerts';
import { invalidatePaths } from './admin';
import { useTenantList } from './hooks';
import type { TenantDetail } from './types';

const REFRESH_MS = 15_000;

export function useAlerts() {
  return useQuery<AlertList>({
    queryKey: ['/internal/alerts', {}],
    queryFn: ({ signal }) => api.get<AlertList>('/internal/alerts', undefined, signal),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

export function useAlertDeliveries(limit: number, offset: number) {
  const query = { limit, offset };
  return useQuery<AlertDeliveryList>({
    queryKey: ['/internal/alerts/deliveries', query],
    queryFn: ({ signal }) => api.get<AlertDeliveryList>('/internal/alerts/deliveries', query, signal),
    refetchInterval: REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}

export function useSendAlertTest() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      api.post<{ deliveries: { id: string; target: string; status: string }[] }>('/internal/alerts/test'),
    onSuccess: () => invalidatePaths(qc, '/internal/alerts/deliveries'),
  });
}

/**
 * Names for the tenants a tenant-scoped rule lists (the rule gives only ids): the first 200
 * tenants by name (the tenant picker's query, so usually cached), then each id still missing
 * on its own. An id without a name yet reads as itself.
 */
export function useTenantNames(ids: readonly string[]): (id: string) => string {
  const list = useTenantList(
    { status: 'all', sort_by: 'name', sort_order: 'asc', limit: 200, offset: 0 },
    ids.length > 0,
  );
  const names = new Map((list.data?.tenants ?? []).map((x) => [x.id, x.name]));
  const missing = list.data ? [...new Set(ids)].filter((id) => !names.has(id)) : [];
  const details = useQueries({
    queries: missing.map((id) => {
      const path = `/internal/tenants/${encodeURIComponent(id)}`;
      return {
        queryKey: [path, {}],
        queryFn: ({ signal }: { signal: AbortSignal }) => api.get<TenantDetail>(path, undefined, signal),
      };
    }),
  });
  details.forEach((d, i) => {
    if (d.data) names.set(missing[i], d.data.tenant.name);
  });
  return (id) => names.get(id) ?? id;
}

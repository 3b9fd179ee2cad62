// The staff alerts page's reads and its one write (POST /internal/alerts/test). The state
// changes on the server every evaluation: the reads refresh on their own.

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './index';
import type { AlertDeliveryList, AlertList } from '../lib/alerts';
import { invalidatePaths } from './admin';

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

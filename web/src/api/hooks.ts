// react-query hooks: one per API read, keyed by path + query so caching is per tenant
// context and per filter.

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './index';
import { invalidateAfterWrite } from './queryClient';
import { ERROR_SHOWN_INLINE } from './errors';
import type { Query } from './client';
import type {
  BillingOverview,
  Command,
  CommandCreated,
  CommandList,
  IncidentList,
  Integration,
  ContractedAgentDetail,
  TenantAgent,
  TenantDetail,
  TenantList,
  TenantMe,
  TenantUsage,
  UsageOverview,
} from './types';
import type { CommandBody } from '../lib/commands';
import { isLiveStatus, longPollQuery } from '../lib/commands';

function useGet<T>(path: string, query?: Query, opts: { enabled?: boolean; keepPrevious?: boolean } = {}) {
  return useQuery<T>({
    queryKey: [path, query ?? {}],
    queryFn: ({ signal }) => api.get<T>(path, query, signal),
    enabled: opts.enabled ?? true,
    placeholderData: opts.keepPrevious ? keepPreviousData : undefined,
  });
}

// --- tenant area (internal users pass the tenant they look at) ---
const tq = (tenantId: string | null, extra: Query = {}): Query => ({ ...extra, tenant_id: tenantId ?? undefined });

export const useTenantMe = (tenantId: string | null) => useGet<TenantMe>('/tenant/me', tq(tenantId));
export const useTenantAgents = (tenantId: string | null, status: 'active' | 'inactive' | 'all' = 'active') =>
  useGet<{ agents: TenantAgent[] }>('/tenant/agents', tq(tenantId, { status }), { keepPrevious: true });
export const useTenantIntegrations = (tenantId: string | null) =>
  useGet<{ integrations: Integration[] }>('/tenant/integrations', tq(tenantId));
export const useTenantUsage = (tenantId: string | null, period: string) =>
  useGet<TenantUsage>('/tenant/usage', tq(tenantId, { period }), { keepPrevious: true });
export const useTenantIncidents = (tenantId: string | null, status: string, limit = 20, offset = 0) =>
  useGet<IncidentList>('/tenant/incidents', tq(tenantId, { status: status || undefined, limit, offset }), {
    keepPrevious: true,
  });

// --- internal area ---
export const useTenantList = (query: Query, enabled = true) =>
  useGet<TenantList>('/internal/tenants', query, { keepPrevious: true, enabled });
export const useTenantDetail = (id: string | null | undefined) =>
  useGet<TenantDetail>(`/internal/tenants/${encodeURIComponent(id ?? '')}`, undefined, { enabled: !!id });
export const useTenantAgentsInternal = (id: string | null | undefined) =>
  useGet<{ agents: ContractedAgentDetail[] }>(`/internal/tenants/${encodeURIComponent(id ?? '')}/agents`, undefined, {
    enabled: !!id,
  });
export const useUsageOverview = (period = '30d') =>
  useGet<UsageOverview>('/internal/usage/overview', { period }, { keepPrevious: true });
export const useBillingOverview = (period = '30d', enabled = true) =>
  useGet<BillingOverview>('/internal/billing/overview', { period }, { keepPrevious: true, enabled });
export const useCommandList = (query: Query) =>
  useQuery<CommandList>({
    queryKey: ['/internal/operations/commands', query],
    queryFn: ({ signal }) => api.get<CommandList>('/internal/operations/commands', query, signal),
    placeholderData: keepPreviousData,
    // While something in the list is still moving, the list refreshes too.
    refetchInterval: (q) => (q.state.data?.commands.some((c) => isLiveStatus(c.status)) ? 3000 : false),
  });

/** The four-eyes queue (serve --require-approval): commands AWAITING_APPROVAL, refreshed every 10 s. */
export const useAwaitingApproval = (enabled = true) =>
  useQuery<CommandList>({
    queryKey: ['/internal/operations/commands', { status: 'AWAITING_APPROVAL', limit: 50, offset: 0 }],
    queryFn: ({ signal }) =>
      api.get<CommandList>(
        '/internal/operations/commands',
        { status: 'AWAITING_APPROVAL', limit: 50, offset: 0 },
        signal,
      ),
    enabled,
    refetchInterval: 10_000,
  });

function useCommandDecision<V>(call: (v: V) => Promise<Command>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: call,
    meta: ERROR_SHOWN_INLINE, // the queue shows the refusal under the row (describeRefusal)
    onSettled: () => {
      // Approved → PENDING (then run), rejected → CANCELLED; 409 means someone decided first.
      void invalidateAfterWrite(qc, { queryKey: ['/internal/operations/commands'] });
      void invalidateAfterWrite(qc, { queryKey: ['/internal/operations/commands/'] });
    },
  });
}

/** POST /internal/operations/commands/{id}/approve (INTERNAL_ADMIN other than the creator). */
export const useApproveCommand = () =>
  useCommandDecision((id: string) =>
    api.post<Command>(`/internal/operations/commands/${encodeURIComponent(id)}/approve`),
  );

/** POST /internal/operations/commands/{id}/reject {"reason"}. */
export const useRejectCommand = () =>
  useCommandDecision(({ id, reason }: { id: string; reason: string }) =>
    api.post<Command>(`/internal/operations/commands/${encodeURIComponent(id)}/reject`, { reason }),
  );

/**
 * One command, followed with the server's long-poll while it is PENDING or RUNNING:
 * `?wait=15&status_not=<last status seen>` answers as soon as the status changes (or after
 * 15 s), and the next request goes out right after — no polling every second. A `busy`
 * answer (X-Long-Poll: busy) is just the current state; the next ask follows 250 ms later.
 */
export function useCommand(id: string | null, initial?: Command) {
  const qc = useQueryClient();
  const key = ['/internal/operations/commands/', id];
  return useQuery<Command>({
    queryKey: key,
    queryFn: ({ signal }) => {
      const last = qc.getQueryData<Command>(key)?.status ?? initial?.status;
      return api.get<Command>(
        `/internal/operations/commands/${encodeURIComponent(id ?? '')}`,
        isLiveStatus(last) ? longPollQuery(last) : undefined,
        signal,
      );
    },
    enabled: !!id && (initial ? isLiveStatus(initial.status) : true),
    initialData: initial,
    // An in-flight long-poll is not restarted by the interval (react-query joins it), so this
    // only sets the gap between one answer and the next request.
    refetchInterval: (q) => (isLiveStatus(q.state.data?.status) || !q.state.data ? 250 : false),
    refetchIntervalInBackground: true,
  });
}

export function useCreateCommand() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CommandBody; idempotencyKey: string }) =>
      api.post<CommandCreated>('/internal/operations/commands', body, { 'Idempotency-Key': idempotencyKey }),
    onSuccess: () => invalidateAfterWrite(qc, { queryKey: ['/internal/operations/commands'] }),
  });
}

export function useCancelCommand() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Command>(`/internal/operations/commands/${encodeURIComponent(id)}/cancel`),
    onSuccess: (_d, id) => {
      void invalidateAfterWrite(qc, { queryKey: ['/internal/operations/commands'] });
      void invalidateAfterWrite(qc, { queryKey: ['/internal/operations/commands/', id] });
    },
  });
}

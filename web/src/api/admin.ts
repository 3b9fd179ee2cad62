// Reads and writes of the administration pages (issue #15). Writes go through
// api.write (If-Match from the last ETag) and drop the cached reads they change.

import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api } from './index';
import { invalidateAfterWrite } from './queryClient';
import type { Query } from './client';
import type {
  CatalogAgent,
  CatalogList,
  InternalIncident,
  InternalIncidentList,
  InternalIntegrationList,
  SupportMessage,
  SupportRequest,
  SupportRequestList,
  SupportThread,
  TenantIntegration,
  TenantWritten,
} from './types';

const enc = encodeURIComponent;

function useGet<T>(path: string, query?: Query, enabled = true) {
  return useQuery<T>({
    queryKey: [path, query ?? {}],
    queryFn: ({ signal }) => api.get<T>(path, query, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** Drops every cached read whose path starts with one of the prefixes (after a write). */
export function invalidatePaths(qc: QueryClient, ...prefixes: string[]) {
  return invalidateAfterWrite(qc, {
    predicate: (q) => {
      const k = q.queryKey[0];
      return typeof k === 'string' && prefixes.some((p) => k.startsWith(p));
    },
  });
}

function useWrite<V, R>(fn: (v: V) => Promise<R>, prefixes: (v: V) => string[]) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (_r, v) => invalidatePaths(qc, ...prefixes(v)),
  });
}

// ---------------------------------------------------------------- tenants and contracts

export interface TenantBody {
  name?: string;
  cnpj?: string;
  segment?: string;
  plan?: string;
  status?: string;
  limits?: Record<string, number | null>;
}

export const tenantIdOf = (t: TenantWritten): string | undefined => t.tenant?.id ?? t.id;

export const useCreateTenant = () =>
  useWrite(
    (b: TenantBody) => api.write<TenantWritten>('POST', '/internal/tenants', b),
    () => ['/internal/tenants', '/internal/usage', '/internal/billing'],
  );

export const useUpdateTenant = (id: string) =>
  useWrite(
    (b: TenantBody) => api.write<TenantWritten>('PATCH', `/internal/tenants/${enc(id)}`, b),
    () => ['/internal/tenants', '/internal/billing', '/tenant/me'],
  );

export const useSetContract = (tenantId: string) =>
  useWrite(
    ({
      agentId,
      status,
      config,
    }: {
      agentId: string;
      status: 'active' | 'inactive';
      config?: Record<string, unknown>;
    }) =>
      api.write<unknown>(
        'PUT',
        `/internal/tenants/${enc(tenantId)}/agents/${enc(agentId)}`,
        config === undefined ? { status } : { status, config },
      ),
    () => ['/internal/tenants', '/internal/agents', '/internal/billing', '/tenant/'],
  );

export const useEndContract = (tenantId: string) =>
  useWrite(
    (agentId: string) => api.write<void>('DELETE', `/internal/tenants/${enc(tenantId)}/agents/${enc(agentId)}`),
    () => ['/internal/tenants', '/internal/agents', '/internal/billing', '/tenant/'],
  );

// ---------------------------------------------------------------- catalog

export const useCatalog = (query: Query, enabled = true) => useGet<CatalogList>('/internal/agents', query, enabled);

export interface AgentBody {
  name?: string;
  segment?: string;
  subnucleus?: string;
  description?: string;
  price_monthly?: string;
  status?: 'active' | 'retired';
}

export const useCreateAgent = () =>
  useWrite(
    (b: AgentBody) => api.write<CatalogAgent>('POST', '/internal/agents', b),
    () => ['/internal/agents'],
  );

export function useUpdateAgent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: AgentBody }) => {
      const path = `/internal/agents/${enc(id)}`;
      // The list has no per-agent ETag: read the agent first so If-Match has one.
      if (!api.etagFor(path)) await api.get<CatalogAgent>(path).catch(() => undefined);
      return api.write<CatalogAgent>('PATCH', path, body);
    },
    onSuccess: () => invalidatePaths(qc, '/internal/agents', '/internal/tenants'),
  });
}

// ---------------------------------------------------------------- integrations

export const useInternalIntegrations = (query: Query) =>
  useGet<InternalIntegrationList>('/internal/integrations', query);

export const useTenantIntegrationsFull = (tenantId: string | null) =>
  useGet<{ integrations: TenantIntegration[] }>('/tenant/integrations', { tenant_id: tenantId ?? undefined });

export interface IntegrationBody {
  type?: string;
  name?: string;
  status?: string;
  config?: Record<string, unknown> | null;
  credentials?: Record<string, unknown> | null;
}

const integrationPaths = () => ['/tenant/integrations', '/tenant/me', '/internal/tenants', '/internal/integrations'];

export const useCreateIntegration = (tenantId: string | null) =>
  useWrite(
    (b: IntegrationBody) =>
      api.write<TenantIntegration>('POST', '/tenant/integrations', b, { query: { tenant_id: tenantId ?? undefined } }),
    integrationPaths,
  );

export const useUpdateIntegration = (tenantId: string | null) =>
  useWrite(
    ({ id, body }: { id: string; body: IntegrationBody }) =>
      api.write<TenantIntegration>('PATCH', `/tenant/integrations/${enc(id)}`, body, {
        query: { tenant_id: tenantId ?? undefined },
      }),
    integrationPaths,
  );

export const useDeleteIntegration = (tenantId: string | null) =>
  useWrite(
    (id: string) =>
      api.write<void>('DELETE', `/tenant/integrations/${enc(id)}`, undefined, {
        query: { tenant_id: tenantId ?? undefined },
      }),
    integrationPaths,
  );

// ---------------------------------------------------------------- incidents

export const useInternalIncidents = (query: Query) => useGet<InternalIncidentList>('/internal/incidents', query);

export interface IncidentBody {
  tenant_id?: string | null;
  severity?: string;
  title?: string;
  description?: string;
  status?: 'open' | 'resolved';
}

const incidentPaths = () => ['/internal/incidents', '/internal/usage', '/internal/tenants', '/tenant/incidents'];

export const useOpenIncident = () =>
  useWrite((b: IncidentBody) => api.write<InternalIncident>('POST', '/internal/incidents', b), incidentPaths);

export function useUpdateIncident() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: IncidentBody }) => {
      const path = `/internal/incidents/${enc(id)}`;
      if (!api.etagFor(path)) await api.get<InternalIncident>(path).catch(() => undefined);
      return api.write<InternalIncident>('PATCH', path, body);
    },
    onSuccess: () => invalidatePaths(qc, ...incidentPaths()),
  });
}

// ---------------------------------------------------------------- support

export const useTenantSupportRequests = (tenantId: string | null, query: Query) =>
  useGet<SupportRequestList>('/tenant/support/requests', { ...query, tenant_id: tenantId ?? undefined });

export const useTenantSupportThread = (tenantId: string | null, id: string | null) =>
  useGet<SupportThread>(`/tenant/support/requests/${enc(id ?? '')}`, { tenant_id: tenantId ?? undefined }, !!id);

export const useStaffSupportQueue = (query: Query) => useGet<SupportRequestList>('/internal/support/requests', query);

export const useStaffSupportThread = (id: string | null) =>
  useGet<SupportThread>(`/internal/support/requests/${enc(id ?? '')}`, undefined, !!id);

/** The request of a thread answer, with its messages. */
export const threadRequest = (t: SupportThread): SupportRequest => t;

const supportPaths = () => ['/tenant/support', '/internal/support'];

export const useOpenSupportRequest = (tenantId: string | null) =>
  useWrite(
    (b: { subject: string; category: string; description: string }) =>
      api.write<SupportRequest>('POST', '/tenant/support/requests', b, { query: { tenant_id: tenantId ?? undefined } }),
    supportPaths,
  );

export const useTenantSupportReply = (tenantId: string | null) =>
  useWrite(
    ({ id, body }: { id: string; body: string }) =>
      api.write<SupportMessage>(
        'POST',
        `/tenant/support/requests/${enc(id)}/messages`,
        { body },
        { query: { tenant_id: tenantId ?? undefined } },
      ),
    supportPaths,
  );

export const useStaffSupportReply = () =>
  useWrite(
    ({ id, body }: { id: string; body: string }) =>
      api.write<SupportMessage>('POST', `/internal/support/requests/${enc(id)}/messages`, { body }),
    supportPaths,
  );

export const useStaffSupportStatus = () =>
  useWrite(
    ({ id, status }: { id: string; status: 'open' | 'closed' }) =>
      api.write<SupportRequest>('PATCH', `/internal/support/requests/${enc(id)}`, { status }),
    supportPaths,
  );

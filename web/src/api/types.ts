// Shapes of the API answers. Those taken from the contract are aliases of the types
// generated from docs/openapi.json (schema.d.ts, `npm run gen:types`): one name per field,
// the contract's, no guessing between alternates. The rest are hand-written until moved.

import type { components } from './schema';

type Schemas = components['schemas'];

export type Role = 'INTERNAL_ADMIN' | 'INTERNAL_SUPPORT' | 'TENANT_ADMIN' | 'TENANT_USER';

export interface User {
  id: string;
  email: string;
  name: string;
  groups: string[];
  role: Role | string;
  tenant_id: string | null;
}

export interface TokenResponse {
  access_token: string;
  id_token?: string;
  token_type?: string;
  expires_in: number;
  refresh_token: string;
  user?: User;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  request_id?: string;
  /** The kind of error as a stable code (`type` is its URI; docs/problems.md). */
  error?: string;
  /** On `validation-failed`: each refused field with a stable code. */
  errors?: ProblemFieldError[];
}

export interface ProblemFieldError {
  field: string;
  code: string;
  message: string;
}

export interface TenantMe {
  id: string;
  name: string;
  cnpj?: string;
  segment?: string;
  plan?: string;
  status?: string;
  mrr_estimate?: number;
  created_at?: string;
  limits?: { max_agents?: number; max_users?: number; max_requests_per_month?: number };
  usage?: { active_agents?: number; active_users?: number; requests_this_month?: number };
  /** IANA zone of the tenant's days (usage, periods, this month); absent from an older server. */
  time_zone?: string;
}

/** Every `success_rate` below is a percentage, 0–100, one decimal (99.5, 0.5): never a fraction. */
export interface AgentUsage {
  total_requests?: number;
  success_rate?: number;
  avg_response_time_ms?: number;
  last_request_at?: string | null;
}

export interface TenantAgent {
  id: string;
  name: string;
  segment?: string;
  subnucleus?: string | null;
  status: string;
  activated_at?: string | null;
  deactivated_at?: string | null;
  config?: unknown;
  usage_last_30_days?: AgentUsage;
  usage_stats?: AgentUsage;
}

export interface Integration {
  id: string;
  type: string;
  name: string;
  status: string;
  last_sync_at?: string | null;
  last_error?: string | null;
}

export interface UsageSummary {
  total_requests: number;
  successful_requests?: number;
  failed_requests?: number;
  success_rate?: number;
  avg_response_time_ms?: number;
  total_tokens?: number;
  cost?: number;
}

export interface DailyUsage {
  date: string;
  total_requests: number;
  successful_requests?: number;
  failed_requests?: number;
  avg_response_time_ms?: number;
}

export interface AgentUsageRow {
  agent_id: string;
  agent_name: string;
  total_requests: number;
  success_rate?: number;
}

export interface TenantUsage {
  period?: string | { from?: string; to?: string };
  /** IANA zone the period's days are dates of (the tenant's or the platform's); absent from an older server (UTC days). */
  time_zone?: string;
  summary: UsageSummary;
  daily_data: DailyUsage[];
  by_agent: AgentUsageRow[];
}

export interface Incident {
  id: string;
  severity?: string;
  title: string;
  description?: string;
  status: string;
  created_at?: string;
  resolved_at?: string | null;
  tenant_id?: string | null;
  tenant_name?: string | null;
}

export interface IncidentList {
  incidents: Incident[];
  total: number;
}

export interface TenantRow {
  id: string;
  name: string;
  cnpj?: string;
  segment?: string;
  plan?: string;
  status: string;
  mrr_estimate?: number;
  active_agents?: number;
  active_users?: number;
  requests_last_30_days?: number;
  created_at?: string;
  updated_at?: string;
}

export interface TenantList {
  tenants: TenantRow[];
  total: number;
  limit: number;
  offset: number;
}

export interface Command {
  command_id: string;
  command_type: string;
  status: CommandStatus;
  tenant_id?: string | null;
  tenant_name?: string | null;
  parameters?: Record<string, unknown> | null;
  created_by?: string;
  /** Sent by the server beside created_by (a user id); e-mail/name when the server sends them. */
  created_by_role?: string | null;
  created_by_email?: string | null;
  created_by_name?: string | null;
  created_at?: string;
  started_at?: string | null;
  completed_at?: string | null;
  /** The original's `string | null`: a one-line summary of what the command did, null until it succeeded. */
  output?: string | null;
  /** The structured result (what `output` held before issue 21), null until it succeeded. */
  result?: Record<string, unknown> | null;
  error_message?: string | null;
  /** Four-eyes approval (serve --require-approval): who decided, and a rejection's reason. */
  approved_by?: string | null;
  decision_reason?: string | null;
}

export type CommandStatus = 'AWAITING_APPROVAL' | 'PENDING' | 'RUNNING' | 'SUCCESS' | 'ERROR' | 'CANCELLED';

export interface TenantDetail {
  tenant: TenantRow & {
    limits?: TenantMe['limits'];
    limit_overrides?: TenantLimits;
    /** IANA zone of the tenant's days; absent from an older server. */
    time_zone?: string;
  };
  users: TenantUser[];
  agents: TenantAgent[];
  integrations: Integration[];
  usage_summary?: {
    requests_last_7_days?: number;
    requests_last_30_days?: number;
    success_rate_last_30_days?: number;
  };
  recent_incidents: Incident[];
  recent_commands: Command[];
}

export interface UsageOverview {
  period?: string;
  /** IANA zone the period's days are dates of (the tenant's or the platform's); absent from an older server (UTC days). */
  time_zone?: string;
  global_stats: {
    total_tenants?: number;
    active_tenants?: number;
    total_agents_deployed?: number;
    total_requests?: number;
    global_success_rate?: number;
    avg_response_time_ms?: number;
  };
  top_tenants_by_usage: TopTenant[];
  top_agents_by_usage: TopAgent[];
  daily_trends: { date: string; total_requests: number; success_rate?: number; active_tenants?: number }[];
  recent_incidents?: Incident[];
}

export interface BillingOverview {
  period?: string;
  /** IANA zone the period's days are dates of (the tenant's or the platform's); absent from an older server (UTC days). */
  time_zone?: string;
  financial_summary: {
    total_mrr?: number;
    total_arr?: number;
    avg_mrr_per_tenant?: number;
    new_mrr_this_period?: number;
    churned_mrr_this_period?: number;
  };
  by_plan: { plan_name: string; tenant_count: number; total_mrr: number }[];
  by_segment: { segment: string; tenant_count: number; total_mrr: number }[];
  revenue_trend: { date: string; mrr: number; new_tenants?: number; churned_tenants?: number }[];
}

export interface CommandCreated {
  command_id: string;
  status: CommandStatus;
  created_at?: string;
  message?: string;
}

export interface CommandList {
  commands: Command[];
  total: number;
}

// --- administration (issue #15, the write side) ---

export interface TenantLimits {
  max_agents?: number | null;
  max_users?: number | null;
  max_requests_per_month?: number | null;
}

/** POST /internal/tenants answers the tenant as GET /internal/tenants/{id} does (or the bare tenant). */
export type TenantWritten = Partial<TenantDetail> & Partial<TenantRow>;

export interface CatalogAgent {
  id: string;
  name: string;
  segment?: string;
  subnucleus?: string;
  description?: string | null;
  status: 'active' | 'retired' | string;
  price_monthly?: number | string | null;
  deployed_count?: number;
  created_at?: string;
  updated_at?: string;
}

export interface CatalogList {
  agents: CatalogAgent[];
  total: number;
  limit?: number;
  offset?: number;
}

export interface InternalIntegration {
  id: string;
  tenant_id: string;
  tenant_name?: string;
  type: string;
  name: string;
  status: string;
  last_sync_at?: string | null;
  last_error?: string | null;
  last_error_at?: string | null;
}

export interface InternalIntegrationList {
  integrations: InternalIntegration[];
  total: number;
  limit?: number;
  offset?: number;
}

export interface TenantIntegration extends Integration {
  config?: Record<string, unknown> | null;
  has_credentials?: boolean;
}

export interface InternalIncident extends Incident {
  source?: string;
  /** A user id; the UI shows only a name, when the server sends one. */
  resolved_by?: string | null;
  resolved_by_name?: string | null;
}

export interface InternalIncidentList {
  incidents: InternalIncident[];
  total: number;
  limit?: number;
  offset?: number;
}

export interface SupportRequest {
  id: string;
  tenant_id?: string;
  tenant_name?: string | null;
  subject: string;
  category: string;
  status: 'open' | 'answered' | 'closed' | string;
  opened_by?: string | null;
  opened_by_name?: string | null;
  message_count?: number;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
  messages?: SupportMessage[];
}

export interface SupportRequestList {
  requests: SupportRequest[];
  total: number;
  limit?: number;
  offset?: number;
}

/** A member of a tenant (GET /internal/tenants/{id}): `group` is Painel's, `role` the original's. */
export type TenantUser = Schemas['TenantUser'];
export type TopTenant = Schemas['UsageOverview']['top_tenants_by_usage'][number];
export type TopAgent = Schemas['UsageOverview']['top_agents_by_usage'][number];
/** An agent contracted by a tenant as GET /internal/tenants/{id}/agents lists it: with its
 * configuration, and its usage under `usage_stats` (the original API's name on this route). */
export type ContractedAgentDetail = Schemas['ContractedAgentDetail'];
export type SupportMessage = Schemas['SupportMessage'];
/** GET …/support/requests/{id}: the request, flat, with its messages. */
export type SupportThread = Schemas['SupportThread'];

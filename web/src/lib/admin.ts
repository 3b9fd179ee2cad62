// The fixed vocabularies of the administration forms (the server's CHECK values and enums).

export const PLANS = ['starter', 'professional', 'enterprise'] as const;
export const NEW_TENANT_STATUSES = ['trial', 'active'] as const;
export const SEGMENTS = [
  'varejo',
  'saude',
  'educacao',
  'financeiro',
  'logistica',
  'servicos',
  'industria',
  'tecnologia',
] as const;
export const AGENT_SEGMENTS = [
  'atendimento',
  'vendas',
  'marketing',
  'analytics',
  'financeiro',
  'juridico',
  'rh',
  'logistica',
  'saude',
  'educacao',
] as const;
export const SUBNUCLEI = ['nigredo', 'hermes', 'sophia', 'atlas', 'oracle'] as const;
export const INTEGRATION_TYPES = ['whatsapp', 'email', 'crm', 'erp', 'webhook'] as const;
export const INTEGRATION_STATUSES = ['active', 'inactive'] as const;
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export const INCIDENT_SOURCES = ['manual', 'health_check', 'alert'] as const;
export const SUPPORT_CATEGORIES = ['billing', 'technical', 'agent', 'integration', 'other'] as const;
export const SUPPORT_STATUSES = ['open', 'answered', 'closed'] as const;

/** Text limits of the server (bytes). */
export const LIMITS = {
  name: 200,
  integrationName: 120,
  segment: 50,
  title: 200,
  agentDescription: 2000,
  incidentDescription: 4000,
  subject: 200,
  body: 10000,
} as const;

/** "N of max active" for the contracts card. */
export function contractCount(agents: { status: string }[], maxAgents: number | null | undefined) {
  const active = agents.filter((a) => a.status === 'active').length;
  const max = typeof maxAgents === 'number' ? maxAgents : null;
  return { active, max, full: max !== null && active >= max };
}

/** A price as the API sends it (number or decimal string) → number of reais, or null. */
export function priceValue(p: number | string | null | undefined): number | null {
  if (p === null || p === undefined || p === '') return null;
  const n = typeof p === 'number' ? p : Number(p);
  return Number.isFinite(n) ? n : null;
}

/** Who gets create / edit / delete on the dashboard Integrations page (the server's rule). */
export const canEditIntegrations = (role: string | null) => role === 'TENANT_ADMIN' || role === 'INTERNAL_ADMIN';

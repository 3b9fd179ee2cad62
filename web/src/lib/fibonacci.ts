// The "Fibonacci" view groups a tenant's agents by the subnucleus they belong to and
// derives a health level for each group from the agents' status and success rate.

import type { TenantAgent } from '../api/types';

export const SUBNUCLEI = ['nigredo', 'hermes', 'sophia', 'atlas', 'oracle'] as const;
export type Subnucleus = (typeof SUBNUCLEI)[number];
export type Health = 'healthy' | 'degraded' | 'critical' | 'idle';

export interface SubnucleusGroup {
  id: Subnucleus | 'other';
  agents: TenantAgent[];
  activeAgents: number;
  totalRequests: number;
  /** Request-weighted success rate in percent, or null without requests. */
  successRate: number | null;
  health: Health;
}

function usageOf(a: TenantAgent) {
  return a.usage_last_30_days ?? a.usage_stats ?? {};
}

/** Healthy ≥ 95 % success, degraded ≥ 80 % or some agent inactive, critical below. */
export function healthOf(activeAgents: number, totalAgents: number, successRate: number | null): Health {
  if (totalAgents === 0 || activeAgents === 0) return 'idle';
  if (successRate !== null && successRate < 80) return 'critical';
  if ((successRate !== null && successRate < 95) || activeAgents < totalAgents) return 'degraded';
  return 'healthy';
}

function summarize(id: SubnucleusGroup['id'], agents: TenantAgent[]): SubnucleusGroup {
  let total = 0;
  let weighted = 0;
  for (const a of agents) {
    const u = usageOf(a);
    const n = u.total_requests ?? 0;
    total += n;
    if (typeof u.success_rate === 'number') weighted += u.success_rate * n;
  }
  const active = agents.filter((a) => a.status === 'active').length;
  const successRate = total > 0 ? weighted / total : null;
  return {
    id,
    agents,
    activeAgents: active,
    totalRequests: total,
    successRate,
    health: healthOf(active, agents.length, successRate),
  };
}

/** Always the five subnuclei in order; agents with an unknown or missing one go to "other" (only if any). */
export function groupBySubnucleus(agents: TenantAgent[]): SubnucleusGroup[] {
  const buckets = new Map<string, TenantAgent[]>();
  for (const a of agents) {
    const key = (a.subnucleus ?? '').toLowerCase();
    const id = (SUBNUCLEI as readonly string[]).includes(key) ? key : 'other';
    if (!buckets.has(id)) buckets.set(id, []);
    buckets.get(id)!.push(a);
  }
  const groups = SUBNUCLEI.map((s) => summarize(s, buckets.get(s) ?? []));
  if (buckets.has('other')) groups.push(summarize('other', buckets.get('other')!));
  return groups;
}

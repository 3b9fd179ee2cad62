// The staff "Alertas" page's logic (GET /internal/alerts, /internal/alerts/deliveries):
// which rules come first, how each kind of value reads, the tone of a state.

import type { components } from '../api/schema';
import type { Lang } from '../i18n/translate';
import { formatNumber, formatPercent } from './format';

// The contract's shapes (docs/openapi.json → api/schema.d.ts), not copies.
export type AlertRule = components['schemas']['AlertRule'];
export type AlertState = AlertRule['state'];
/** One tenant's state under a rule with `scope: "tenant"` (only those not ok are listed). */
export type AlertTenantState = NonNullable<AlertRule['tenants']>[number];
export type AlertList = components['schemas']['AlertList'];
export type AlertDelivery = components['schemas']['AlertDelivery'];
export type DeliveryStatus = AlertDelivery['status'];
export type AlertDeliveryList = components['schemas']['AlertDeliveryList'];

const STATE_ORDER: Record<AlertState, number> = { firing: 0, clearing: 1, pending: 2, ok: 3 };
const SEVERITY_ORDER: Record<string, number> = { critical: 0, error: 1, warning: 2, info: 3 };

const FIRING: ReadonlySet<AlertState> = new Set(['firing', 'clearing']);

/**
 * The state a rule ranks by: its own, or for a tenant-scoped rule (whose own state stays ok)
 * the worst of its tenants'.
 */
export function worstState(r: Pick<AlertRule, 'state' | 'tenants'>): AlertState {
  let worst = r.state;
  for (const t of r.tenants ?? []) if (STATE_ORDER[t.state] < STATE_ORDER[worst]) worst = t.state;
  return worst;
}

/** Firing first (then clearing, pending, ok; a tenant rule by its worst tenant), the most severe first, then by name. */
export function sortRules(rules: readonly AlertRule[]): AlertRule[] {
  return [...rules].sort(
    (a, b) =>
      (STATE_ORDER[worstState(a)] ?? 9) - (STATE_ORDER[worstState(b)] ?? 9) ||
      (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
      a.name.localeCompare(b.name),
  );
}

/** Alerts firing or clearing: each global rule in that state, and each tenant of a tenant rule (one incident each). */
export const firingCount = (rules: readonly AlertRule[]) =>
  rules.reduce(
    (n, r) => n + (FIRING.has(r.state) ? 1 : 0) + (r.tenants ?? []).filter((t) => FIRING.has(t.state)).length,
    0,
  );

/** A tenant rule's tenants not ok, worst first, then by name (the id when the name is unknown). */
export function sortTenantStates(
  tenants: readonly AlertTenantState[],
  nameOf: (id: string) => string,
): AlertTenantState[] {
  return [...tenants].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || nameOf(a.tenant_id).localeCompare(nameOf(b.tenant_id)),
  );
}

export function stateTone(s: AlertState): 'ok' | 'warn' | 'bad' {
  return s === 'firing' ? 'bad' : s === 'ok' ? 'ok' : 'warn';
}

export function deliveryTone(s: DeliveryStatus): 'ok' | 'warn' | 'bad' {
  return s === 'delivered' ? 'ok' : s === 'failed' ? 'bad' : 'warn';
}

function formatBytes(v: number, lang: Lang): string {
  const gib = 1024 * 1024 * 1024;
  return v >= gib ? `${formatNumber(v / gib, lang, 1)} GiB` : `${formatNumber(v / (1024 * 1024), lang, 0)} MiB`;
}

function formatSeconds(v: number, lang: Lang): string {
  return v >= 120 ? `${formatNumber(v / 60, lang, 0)} min` : `${formatNumber(v, lang, 0)} s`;
}

/** A rule's value (or threshold) in the unit of its kind; "—" when the server had none. */
export function formatAlertValue(expr: string, value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (expr) {
    case 'rss_bytes':
      return formatBytes(value, lang);
    case 'queue_age_seconds':
    case 'aggregation_lag_seconds':
      return formatSeconds(value, lang);
    case 'redis_cpu':
    case 'redis_memory':
      return formatPercent(value * 100, lang, 0);
    default:
      return formatNumber(value, lang, 2);
  }
}

/** "> 10 in 5 min" — the condition as people read it. */
export function conditionText(
  r: Pick<AlertRule, 'expr' | 'threshold' | 'window_s'>,
  lang: Lang,
  inWord: string,
): string {
  const windowed = !['rss_bytes', 'queue_age_seconds', 'aggregation_lag_seconds', 'redis_memory'].includes(r.expr);
  const base = `> ${formatAlertValue(r.expr, r.threshold, lang)}`;
  return windowed ? `${base} ${inWord} ${formatSeconds(r.window_s, lang)}` : base;
}

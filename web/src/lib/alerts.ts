// The staff "Alertas" page's logic (GET /internal/alerts, /internal/alerts/deliveries):
// which rules come first, how each kind of value reads, the tone of a state.

import type { Lang } from '../i18n/translate';
import { formatNumber, formatPercent } from './format';

export type AlertState = 'ok' | 'pending' | 'firing' | 'clearing';
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface AlertRule {
  name: string;
  expr: string;
  metric?: string;
  labels?: Record<string, string>;
  threshold: number;
  window_s: number;
  severity: 'info' | 'warning' | 'error' | 'critical';
  for_s: number;
  clear_s: number;
  scope: string;
  summary: string;
  state: AlertState;
  since: string | null;
  value: number | null;
  evaluated_at: string | null;
  incident_id: string | null;
}

export interface AlertList {
  interval_ms: number;
  webhooks: string[];
  rules: AlertRule[];
}

export interface AlertDelivery {
  id: string;
  created_at: string;
  event: 'firing' | 'resolved' | 'test';
  rule: string;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
  finished_at: string | null;
}

export interface AlertDeliveryList {
  deliveries: AlertDelivery[];
  total: number;
  limit: number;
  offset: number;
}

const STATE_ORDER: Record<AlertState, number> = { firing: 0, clearing: 1, pending: 2, ok: 3 };
const SEVERITY_ORDER: Record<string, number> = { critical: 0, error: 1, warning: 2, info: 3 };

/** Firing first (then clearing, pending, ok), the most severe first, then by name. */
export function sortRules(rules: readonly AlertRule[]): AlertRule[] {
  return [...rules].sort(
    (a, b) =>
      (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) ||
      (SEVERITY_ORDER[a.severity] ?? 9) - (SEVERITY_ORDER[b.severity] ?? 9) ||
      a.name.localeCompare(b.name),
  );
}

export const firingCount = (rules: readonly AlertRule[]) =>
  rules.filter((r) => r.state === 'firing' || r.state === 'clearing').length;

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

// Data shaping of the Monitoramento dashboards (issue 17): ranges, refresh intervals, time
// labels of the steps and series taken from the API's points. Pure, for the tests.

import type { Lang } from '../i18n/translate';
import { localeOf } from '../i18n/translate';

export const RANGES = ['1h', '6h', '24h', '7d'] as const;
export type Range = (typeof RANGES)[number];

export function parseRange(v: string | null): Range {
  return (RANGES as readonly string[]).includes(v ?? '') ? (v as Range) : '1h';
}

/** How often a dashboard refreshes: about one step of the shortest ranges, less often for the long ones. */
export function refreshMs(range: Range): number {
  return range === '1h' ? 15_000 : range === '6h' ? 30_000 : 60_000;
}

/**
 * The labels of the steps (Unix seconds of each step's start), in UTC: "14:05" within a
 * day, "06/12 14:00" (pt-BR) / "12/06 14:00" (en) for 7 days.
 */
export function stepLabels(ts: number[], range: Range, lang: Lang): string[] {
  const withDay = range === '7d';
  const f = new Intl.DateTimeFormat(localeOf(lang), {
    timeZone: 'UTC',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(withDay ? { day: '2-digit', month: '2-digit' } : {}),
  });
  return ts.map((t) => f.format(new Date(t * 1000)).replace(',', ''));
}

/** One field of every point, as numbers (null/absent → 0, rounded to `digits`). */
export function pick<P>(points: P[], key: keyof P, digits = 3): number[] {
  const k = 10 ** digits;
  return points.map((p) => {
    const v = p[key] as unknown;
    return typeof v === 'number' && Number.isFinite(v) ? Math.round(v * k) / k : 0;
  });
}

/** True when any point of the series is above zero (an all-zero chart says "no traffic yet"). */
export function hasData(...series: number[][]): boolean {
  return series.some((s) => s.some((v) => v > 0));
}

/** A 0–1 ratio as the percentage formatPercent takes (0.25 → 25). */
export function ratioToPercent(r: number | null | undefined): number | null {
  return typeof r === 'number' && Number.isFinite(r) ? Math.round(r * 1000) / 10 : null;
}

/** Bytes → MiB with one decimal, for the memory chart. */
export function mib(points: { rss_bytes: number }[]): number[] {
  return points.map((p) => Math.round((p.rss_bytes / 1048576) * 10) / 10);
}

/** A command type's finished counts as "SUCCEEDED 3 · FAILED 1", largest first. */
export function finishedSummary(finished: Record<string, number>): string {
  return Object.entries(finished)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([s, n]) => `${s} ${n}`)
    .join(' · ');
}

/** A latency in ms for the tables: one decimal under 10 ms (sub-millisecond answers are common), whole ms above, seconds from 1 s. */
export function formatLatencyMs(ms: number | null | undefined, lang: Lang): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 2 }).format(ms / 1000)} s`;
  const digits = ms < 10 ? 1 : 0;
  return `${new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(ms)} ms`;
}

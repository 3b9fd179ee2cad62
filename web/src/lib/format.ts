// Number, money, percent and date formatting for both languages. Money is always BRL
// (the API's currency); only the locale's separators change with the language.

import type { Lang } from '../i18n/translate';
import { localeOf } from '../i18n/translate';

const cache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = locale + JSON.stringify(opts);
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, opts);
    cache.set(key, f);
  }
  return f;
}

const DASH = '—';

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function formatMoney(value: number | null | undefined, lang: Lang): string {
  if (!isNum(value)) return DASH;
  return nf(localeOf(lang), { style: 'currency', currency: 'BRL' }).format(value);
}

/** Short money for chart axes: R$ 35 mil / R$35K. */
export function formatMoneyCompact(value: number | null | undefined, lang: Lang): string {
  if (!isNum(value)) return DASH;
  return nf(localeOf(lang), {
    style: 'currency',
    currency: 'BRL',
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(value);
}

export function formatNumber(value: number | null | undefined, lang: Lang, maxFractionDigits = 0): string {
  if (!isNum(value)) return DASH;
  return nf(localeOf(lang), { maximumFractionDigits: maxFractionDigits }).format(value);
}

/** Compact form for KPI tiles: 1.2 mi / 1.2M. */
export function formatCompact(value: number | null | undefined, lang: Lang): string {
  if (!isNum(value)) return DASH;
  if (Math.abs(value) < 10_000) return formatNumber(value, lang);
  return nf(localeOf(lang), { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/**
 * A success rate as the API sends it: a percentage from 0 to 100 with one decimal
 * (`domain::success_rate`). One unit end to end: 0.5 means 0,5 %, never 50 %.
 */
export function formatPercent(percent: number | null | undefined, lang: Lang, fractionDigits = 1): string {
  if (!isNum(percent)) return DASH;
  return nf(localeOf(lang), {
    style: 'percent',
    maximumFractionDigits: fractionDigits,
    minimumFractionDigits: fractionDigits,
  }).format(percent / 100);
}

export function formatMs(ms: number | null | undefined, lang: Lang): string {
  if (!isNum(ms)) return DASH;
  if (ms >= 1000) return `${formatNumber(ms / 1000, lang, 2)} s`;
  return `${formatNumber(ms, lang)} ms`;
}

/** A UTC day `YYYY-MM-DD` shown as a date, without timezone shifting. */
export function formatDay(day: string | null | undefined, lang: Lang, short = false): string {
  if (!day) return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const opts: Intl.DateTimeFormatOptions = short
    ? { day: '2-digit', month: '2-digit', timeZone: 'UTC' }
    : { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(localeOf(lang), opts).format(d);
}

/** An RFC 3339 instant in the viewer's time zone (or the one given, for tests). */
export function formatDateTime(iso: string | null | undefined, lang: Lang, timeZone?: string): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(d);
}

/** 14 digits → 00.000.000/0000-00; anything else unchanged. */
export function formatCnpj(cnpj: string | null | undefined): string {
  if (!cnpj) return DASH;
  const digits = cnpj.replace(/\D/g, '');
  if (digits.length !== 14) return cnpj;
  return `${digits.slice(0, 2)}.${digits.slice(2, 5)}.${digits.slice(5, 8)}/${digits.slice(8, 12)}-${digits.slice(12)}`;
}

/** Renders a command's structured `result` or its `parameters` (JSON, or text) as readable text. */
export function formatOutput(output: unknown): string {
  if (output === null || output === undefined || output === '') return '';
  if (typeof output === 'string') return output;
  try {
    return JSON.stringify(output, null, 2);
  } catch {
    return String(output);
  }
}

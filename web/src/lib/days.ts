// The x axis of a chart over days. The API's days are dates of a time zone (`YYYY-MM-DD`):
// a tenant's usage days are dates of the tenant's zone, staff-wide figures of the platform's
// zone; every answer with a period says which (`time_zone`). The labels name that zone; the
// last day, when it is today in that zone, has only the hours so far and is marked partial
// ("hoje, até 14:05", the time in that zone) instead of looking like a sudden drop.

import type { Lang } from '../i18n/translate';
import { localeOf, translate } from '../i18n/translate';
import { formatDay } from './format';

export interface DayAxis {
  labels: string[];
  /** Index of today's partial day (always the last point), or null when the series ends before today. */
  partialIndex: number | null;
}

/**
 * The zone to compute days in: `zone` when the browser knows the IANA name, else 'UTC' (an
 * older server answers no `time_zone`; its days were UTC days).
 */
export function dayZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/** `YYYY-MM-DD` of an instant in `zone` (an IANA name). */
export function zoneDay(now: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: dayZone(zone),
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** "14:05": the instant's time in `zone`, 24 h in both languages (the axis names the zone). */
export function zoneTime(now: Date, lang: Lang, zone: string): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: dayZone(zone),
  }).format(now);
}

/**
 * The labels of `days` (dates of `zone`); the last one, when it is today in `zone`, is
 * "hoje, até 14:05" and its index is `partialIndex` (unless `markPartial` is false: levels
 * such as MRR on a day are not sums, so today is not partial for them).
 */
export function dayAxis(days: string[], lang: Lang, zone: string, now: Date = new Date(), markPartial = true): DayAxis {
  const labels = days.map((d) => formatDay(d, lang, true));
  const last = days.length - 1;
  if (!markPartial || last < 0 || days[last].slice(0, 10) !== zoneDay(now, zone)) {
    return { labels, partialIndex: null };
  }
  labels[last] = translate(lang, 'chart.todayUntil', { time: zoneTime(now, lang, zone) });
  return { labels, partialIndex: last };
}

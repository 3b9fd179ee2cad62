// The x axis of a chart over days. The API's days are UTC days (`YYYY-MM-DD`), so the
// labels say so; the last day, when it is today (UTC), has only the hours so far and is
// marked partial ("hoje, até 14:05") instead of looking like a sudden drop.

import type { Lang } from '../i18n/translate';
import { localeOf, translate } from '../i18n/translate';
import { formatDay } from './format';

export interface DayAxis {
  labels: string[];
  /** Index of today's partial day (always the last point), or null when the series ends before today. */
  partialIndex: number | null;
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** "14:05": the instant's UTC time, 24 h in both languages (the axis says UTC). */
export function utcTime(now: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
  }).format(now);
}

export function dayAxis(days: string[], lang: Lang, now: Date = new Date(), markPartial = true): DayAxis {
  const labels = days.map((d) => formatDay(d, lang, true));
  const last = days.length - 1;
  if (!markPartial || last < 0 || days[last].slice(0, 10) !== utcDay(now)) return { labels, partialIndex: null };
  labels[last] = translate(lang, 'chart.todayUntil', { time: utcTime(now, lang) });
  return { labels, partialIndex: last };
}

import { useI18n } from '../i18n/I18nProvider';
import { dayZone } from '../lib/days';

export const PERIODS = ['7d', '30d', '90d'] as const;
export type Period = (typeof PERIODS)[number];

export function parsePeriod(v: string | null, fallback: Period = '30d'): Period {
  return (PERIODS as readonly string[]).includes(v ?? '') ? (v as Period) : fallback;
}

/** A segmented control: one toggle button per period. */
export function PeriodPicker({
  value,
  onChange,
  testId = 'period',
}: {
  value: Period;
  onChange: (p: Period) => void;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="segmented" role="group" aria-label={t('usage.period')} data-testid={testId}>
      {PERIODS.map((p) => (
        <button
          key={p}
          type="button"
          aria-pressed={value === p}
          className={value === p ? 'active' : ''}
          onClick={() => onChange(p)}
          data-testid={`${testId}-${p}`}
        >
          {t(`period.${p}`)}
        </button>
      ))}
    </div>
  );
}

/**
 * "Fuso: America/Sao_Paulo", small and muted next to a period: the zone its days are dates
 * of (the answer's `time_zone`). Nothing while the answer is loading; 'UTC' for an older
 * server's answer, which names no zone.
 */
export function TimeZoneNote({
  answer,
  testId = 'period-time-zone',
}: {
  answer: { time_zone?: string | null } | undefined;
  testId?: string;
}) {
  const { t } = useI18n();
  if (!answer) return null;
  return (
    <span className="time-zone-note muted small" title={t('period.timeZoneTitle')} data-testid={testId}>
      {t('period.timeZone', { zone: dayZone(answer.time_zone) })}
    </span>
  );
}

import { useI18n } from '../i18n/I18nProvider';

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

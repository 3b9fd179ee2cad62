// The tenant's monthly request quota: how much of the plan's limit is used and which
// warning to show. Pure, so the thresholds are unit-tested.

export type QuotaLevel = 'none' | 'warn' | 'reached';

export interface QuotaState {
  used: number;
  limit: number;
  /** used / limit as a fraction (may exceed 1); 0 when there is no limit. */
  ratio: number;
  /** Width of the bar in percent, 0..100. */
  barPercent: number;
  level: QuotaLevel;
}

export const QUOTA_WARN_AT = 0.8;

/** No limit (missing, 0 or negative) → no quota and no warning (returns null). */
export function quotaState(used: number | null | undefined, limit: number | null | undefined): QuotaState | null {
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) return null;
  const u = typeof used === 'number' && Number.isFinite(used) && used > 0 ? used : 0;
  const ratio = u / limit;
  const level: QuotaLevel = ratio >= 1 ? 'reached' : ratio >= QUOTA_WARN_AT ? 'warn' : 'none';
  return { used: u, limit, ratio, barPercent: Math.min(100, ratio * 100), level };
}

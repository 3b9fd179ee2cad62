import { describe, expect, it } from 'vitest';
import { quotaState } from './quota';

describe('quotaState', () => {
  it('0 % → no warning', () => {
    expect(quotaState(0, 1000)).toMatchObject({ level: 'none', barPercent: 0, ratio: 0 });
  });
  it('79.9 % → no warning', () => {
    expect(quotaState(799, 1000)?.level).toBe('none');
  });
  it('80 % → warning', () => {
    expect(quotaState(800, 1000)).toMatchObject({ level: 'warn', barPercent: 80 });
  });
  it('100 % → limit reached', () => {
    expect(quotaState(1000, 1000)).toMatchObject({ level: 'reached', barPercent: 100 });
  });
  it('over the limit → reached, bar capped at 100 %', () => {
    expect(quotaState(1500, 1000)).toMatchObject({ level: 'reached', barPercent: 100, ratio: 1.5 });
  });
  it('limit 0 or missing → no quota, no warning', () => {
    expect(quotaState(50, 0)).toBeNull();
    expect(quotaState(50, undefined)).toBeNull();
    expect(quotaState(50, null)).toBeNull();
  });
  it('missing usage counts as 0', () => {
    expect(quotaState(undefined, 1000)).toMatchObject({ used: 0, level: 'none' });
  });
});

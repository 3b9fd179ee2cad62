import { describe, expect, it } from 'vitest';
import {
  finishedSummary,
  formatLatencyMs,
  hasData,
  mib,
  parseRange,
  pick,
  ratioToPercent,
  refreshMs,
  stepLabels,
} from './monitoring';

describe('monitoring ranges', () => {
  it('accepts only the four ranges', () => {
    expect(parseRange('6h')).toBe('6h');
    expect(parseRange('7d')).toBe('7d');
    expect(parseRange('2h')).toBe('1h');
    expect(parseRange(null)).toBe('1h');
  });
  it('refreshes the short ranges more often', () => {
    expect(refreshMs('1h')).toBeLessThan(refreshMs('6h'));
    expect(refreshMs('24h')).toBe(refreshMs('7d'));
  });
});

describe('step labels', () => {
  const t = Date.UTC(2026, 11, 6, 14, 5) / 1000;
  it('shows UTC hours and minutes within a day', () => {
    expect(stepLabels([t, t + 60], '1h', 'pt')).toEqual(['14:05', '14:06']);
    expect(stepLabels([t], '24h', 'en')).toEqual(['14:05']);
  });
  it('adds the day for 7 days, in the language order', () => {
    expect(stepLabels([t], '7d', 'pt')[0]).toBe('06/12 14:05');
    expect(stepLabels([t], '7d', 'en')[0]).toBe('12/06 14:05');
  });
});

describe('series', () => {
  const points = [
    { t: 1, requests_per_s: 0.123456, aggregation_lag_s: null as number | null, rss_bytes: 52428800 },
    { t: 2, requests_per_s: 2, aggregation_lag_s: 30, rss_bytes: 1048576 },
  ];
  it('picks a field, null as 0, rounded', () => {
    expect(pick(points, 'requests_per_s')).toEqual([0.123, 2]);
    expect(pick(points, 'aggregation_lag_s')).toEqual([0, 30]);
    expect(pick(points, 'requests_per_s', 1)).toEqual([0.1, 2]);
  });
  it('knows an all-zero chart', () => {
    expect(hasData([0, 0], [0])).toBe(false);
    expect(hasData([0, 0], [0, 0.5])).toBe(true);
  });
  it('converts units', () => {
    expect(mib(points)).toEqual([50, 1]);
    expect(ratioToPercent(0.25)).toBe(25);
    expect(ratioToPercent(0.12345)).toBe(12.3);
    expect(ratioToPercent(null)).toBeNull();
  });
  it('summarizes finished commands, largest first', () => {
    expect(finishedSummary({ FAILED: 1, SUCCEEDED: 3, CANCELLED: 0 })).toBe('SUCCEEDED 3 · FAILED 1');
    expect(finishedSummary({})).toBe('');
  });
});

describe('latency', () => {
  it('keeps a decimal under 10 ms', () => {
    expect(formatLatencyMs(0.42, 'pt')).toBe('0,4 ms');
    expect(formatLatencyMs(2, 'en')).toBe('2.0 ms');
    expect(formatLatencyMs(123.4, 'en')).toBe('123 ms');
    expect(formatLatencyMs(2500, 'pt')).toBe('2,5 s');
    expect(formatLatencyMs(null, 'pt')).toBe('—');
  });
});

import { describe, expect, it } from 'vitest';
import { dayAxis, utcDay, utcTime } from './days';

const NOW = new Date('2026-12-05T14:05:31Z');

describe('dayAxis', () => {
  it('marks the last day partial when it is today in UTC, with the time so far', () => {
    const a = dayAxis(['2026-12-03', '2026-12-04', '2026-12-05'], 'pt', NOW);
    expect(a.partialIndex).toBe(2);
    expect(a.labels).toEqual(['03/12', '04/12', 'hoje, até 14:05']);
    expect(dayAxis(['2026-12-04', '2026-12-05'], 'en', NOW).labels).toEqual(['12/04', 'today, until 14:05']);
  });

  it('leaves a series that ends before today whole', () => {
    const a = dayAxis(['2026-12-03', '2026-12-04'], 'pt', NOW);
    expect(a.partialIndex).toBeNull();
    expect(a.labels).toEqual(['03/12', '04/12']);
    expect(dayAxis([], 'pt', NOW)).toEqual({ labels: [], partialIndex: null });
    // Levels (MRR on a day) are not sums: today is not partial for them.
    expect(dayAxis(['2026-12-04', '2026-12-05'], 'pt', NOW, false)).toEqual({
      labels: ['04/12', '05/12'],
      partialIndex: null,
    });
  });

  it('uses the UTC day, not the viewer’s: 23:30 in São Paulo is already tomorrow in UTC', () => {
    const late = new Date('2026-12-06T02:30:00Z'); // 05/12 23:30 in America/Sao_Paulo
    expect(utcDay(late)).toBe('2026-12-06');
    expect(dayAxis(['2026-12-05'], 'pt', late).partialIndex).toBeNull();
    expect(dayAxis(['2026-12-05', '2026-12-06'], 'pt', late).labels[1]).toBe('hoje, até 02:30');
  });

  it('writes the time on 24 h in both languages', () => {
    expect(utcTime(new Date('2026-12-05T00:07:00Z'), 'en')).toBe('00:07');
    expect(utcTime(new Date('2026-12-05T23:59:00Z'), 'pt')).toBe('23:59');
  });
});

import { describe, expect, it } from 'vitest';
import { dayAxis, dayZone, zoneDay, zoneTime } from './days';

const NOW = new Date('2026-12-05T14:05:31Z');
const SP = 'America/Sao_Paulo'; // UTC−03:00 all year (no daylight saving since 2019)

describe('dayAxis', () => {
  it('marks the last day partial when it is today in the zone, with the time so far there', () => {
    const a = dayAxis(['2026-12-03', '2026-12-04', '2026-12-05'], 'pt', SP, NOW);
    expect(a.partialIndex).toBe(2);
    expect(a.labels).toEqual(['03/12', '04/12', 'hoje, até 11:05']);
    expect(dayAxis(['2026-12-04', '2026-12-05'], 'en', SP, NOW).labels).toEqual(['12/04', 'today, until 11:05']);
    expect(dayAxis(['2026-12-04', '2026-12-05'], 'pt', 'UTC', NOW).labels[1]).toBe('hoje, até 14:05');
  });

  it('leaves a series that ends before today whole', () => {
    const a = dayAxis(['2026-12-03', '2026-12-04'], 'pt', SP, NOW);
    expect(a.partialIndex).toBeNull();
    expect(a.labels).toEqual(['03/12', '04/12']);
    expect(dayAxis([], 'pt', SP, NOW)).toEqual({ labels: [], partialIndex: null });
    // Levels (MRR on a day) are not sums: today is not partial for them.
    expect(dayAxis(['2026-12-04', '2026-12-05'], 'pt', SP, NOW, false)).toEqual({
      labels: ['04/12', '05/12'],
      partialIndex: null,
    });
  });

  it('at 01:30 UTC it is still yesterday in São Paulo: that day is partial, the UTC date is not', () => {
    const late = new Date('2026-12-07T01:30:00Z'); // 06/12 22:30 in America/Sao_Paulo
    expect(zoneDay(late, SP)).toBe('2026-12-06');
    const sp = dayAxis(['2026-12-05', '2026-12-06'], 'pt', SP, late);
    expect(sp.partialIndex).toBe(1);
    expect(sp.labels).toEqual(['05/12', 'hoje, até 22:30']);
    // A series of São Paulo days never ends on 07/12 yet; if it did, that day is not today.
    expect(dayAxis(['2026-12-06', '2026-12-07'], 'pt', SP, late).partialIndex).toBeNull();
    // The same instant in UTC is the 7th.
    expect(zoneDay(late, 'UTC')).toBe('2026-12-07');
    expect(dayAxis(['2026-12-06', '2026-12-07'], 'en', 'UTC', late).labels[1]).toBe('today, until 01:30');
  });

  it('turns the day at midnight of the zone, not at 00:00 UTC', () => {
    expect(zoneDay(new Date('2026-12-07T02:59:00Z'), SP)).toBe('2026-12-06');
    expect(zoneDay(new Date('2026-12-07T03:00:00Z'), SP)).toBe('2026-12-07');
    expect(dayAxis(['2026-12-07'], 'pt', SP, new Date('2026-12-07T03:00:00Z')).labels).toEqual(['hoje, até 00:00']);
  });

  it('east of UTC (Asia/Tokyo, +09:00) today starts before the UTC date does', () => {
    const evening = new Date('2026-12-06T20:00:00Z'); // 07/12 05:00 in Tokyo
    expect(zoneDay(evening, 'Asia/Tokyo')).toBe('2026-12-07');
    const tokyo = dayAxis(['2026-12-06', '2026-12-07'], 'en', 'Asia/Tokyo', evening);
    expect(tokyo.partialIndex).toBe(1);
    expect(tokyo.labels).toEqual(['12/06', 'today, until 05:00']);
    expect(dayAxis(['2026-12-05', '2026-12-06'], 'en', 'Asia/Tokyo', evening).partialIndex).toBeNull();
  });

  it('falls back to UTC days when the answer names no zone or one the browser does not know', () => {
    expect(dayZone(undefined)).toBe('UTC');
    expect(dayZone('')).toBe('UTC');
    expect(dayZone('Not/AZone')).toBe('UTC');
    expect(dayZone(SP)).toBe(SP);
    expect(zoneDay(new Date('2026-12-07T01:30:00Z'), 'Not/AZone')).toBe('2026-12-07');
  });

  it('writes the time on 24 h in both languages', () => {
    expect(zoneTime(new Date('2026-12-05T00:07:00Z'), 'en', 'UTC')).toBe('00:07');
    expect(zoneTime(new Date('2026-12-05T23:59:00Z'), 'pt', 'UTC')).toBe('23:59');
    expect(zoneTime(new Date('2026-12-05T03:07:00Z'), 'en', SP)).toBe('00:07');
  });
});

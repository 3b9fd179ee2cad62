import { describe, expect, it } from 'vitest';
import {
  formatCnpj,
  formatCompact,
  formatDateTime,
  formatDay,
  formatMoney,
  formatMs,
  formatNumber,
  formatOutput,
  formatPercent,
} from './format';

// Intl uses non-breaking spaces in some locales; compare with plain spaces.
const n = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money', () => {
  it('is BRL in both languages, with the locale separators', () => {
    expect(n(formatMoney(1234.5, 'pt'))).toBe('R$ 1.234,50');
    expect(n(formatMoney(1234.5, 'en'))).toBe('R$1,234.50');
    expect(n(formatMoney(0, 'pt'))).toBe('R$ 0,00');
  });
  it('shows a dash for missing values', () => {
    expect(formatMoney(undefined, 'pt')).toBe('—');
    expect(formatMoney(Number.NaN, 'pt')).toBe('—');
  });
});

describe('numbers', () => {
  it('groups thousands per locale', () => {
    expect(formatNumber(1234567, 'pt')).toBe('1.234.567');
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(formatNumber(null, 'en')).toBe('—');
  });
  it('compacts large KPI values only', () => {
    expect(formatCompact(9999, 'en')).toBe('9,999');
    expect(n(formatCompact(1_250_000, 'en'))).toBe('1.3M');
    expect(n(formatCompact(1_250_000, 'pt'))).toBe('1,3 mi');
  });
  it('formats durations', () => {
    expect(formatMs(250, 'en')).toBe('250 ms');
    expect(formatMs(1500, 'pt')).toBe('1,5 s');
  });
});

describe('percent', () => {
  // The API sends success rates as percentages (0–100, one decimal): 1 of 200 requests
  // succeeded → 0.5, and that must read 0,5 %, never 50 %.
  it('reads every value as a percentage, small ones included', () => {
    expect(n(formatPercent(0.5, 'pt'))).toBe('0,5%');
    expect(n(formatPercent(0.5, 'en'))).toBe('0.5%');
    expect(n(formatPercent(1, 'pt'))).toBe('1,0%');
    expect(n(formatPercent(99.5, 'pt'))).toBe('99,5%');
    expect(n(formatPercent(99.5, 'en'))).toBe('99.5%');
    expect(n(formatPercent(0, 'pt'))).toBe('0,0%');
    expect(n(formatPercent(100, 'pt'))).toBe('100,0%');
    expect(formatPercent(undefined, 'en')).toBe('—');
  });
});

describe('dates', () => {
  it('shows UTC days without shifting them', () => {
    expect(formatDay('2026-11-28', 'pt')).toBe('28/11/2026');
    expect(formatDay('2026-11-28', 'en')).toBe('11/28/2026');
    expect(formatDay('2026-01-05', 'pt', true)).toBe('05/01');
    expect(formatDay(null, 'pt')).toBe('—');
  });
  it('formats instants in a given time zone', () => {
    expect(formatDateTime('2026-11-28T12:00:00Z', 'pt', 'America/Sao_Paulo')).toBe('28/11/2026, 09:00');
    expect(formatDateTime('2026-11-28T12:00:00Z', 'en', 'UTC')).toBe('11/28/2026, 12:00 PM');
    expect(formatDateTime('not a date', 'pt')).toBe('not a date');
  });
});

describe('misc', () => {
  it('formats a CNPJ', () => {
    expect(formatCnpj('12345678000195')).toBe('12.345.678/0001-95');
    expect(formatCnpj('12.345.678/0001-95')).toBe('12.345.678/0001-95');
    expect(formatCnpj('123')).toBe('123');
  });
  it('renders command output', () => {
    expect(formatOutput('done')).toBe('done');
    expect(formatOutput({ a: 1 })).toBe('{\n  "a": 1\n}');
    expect(formatOutput(null)).toBe('');
  });
});

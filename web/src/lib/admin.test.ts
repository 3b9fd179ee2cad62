import { describe, expect, it } from 'vitest';
import { contractCount, priceValue } from './admin';

describe('contracts count', () => {
  it('counts active contracts against max_agents', () => {
    const a = [{ status: 'active' }, { status: 'inactive' }, { status: 'active' }];
    expect(contractCount(a, 3)).toEqual({ active: 2, max: 3, full: false });
    expect(contractCount(a, 2)).toEqual({ active: 2, max: 2, full: true });
    expect(contractCount(a, null)).toEqual({ active: 2, max: null, full: false });
  });
  it('reads prices as numbers or decimal strings', () => {
    expect(priceValue('199.90')).toBe(199.9);
    expect(priceValue(50)).toBe(50);
    expect(priceValue(null)).toBeNull();
    expect(priceValue('x')).toBeNull();
  });
});

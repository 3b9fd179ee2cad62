import { describe, expect, it } from 'vitest';
import { canEditIntegrations, contractCount, priceValue } from './admin';

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

describe('integration edit controls', () => {
  it('only TENANT_ADMIN and INTERNAL_ADMIN get them', () => {
    expect(canEditIntegrations('TENANT_ADMIN')).toBe(true);
    expect(canEditIntegrations('INTERNAL_ADMIN')).toBe(true);
    expect(canEditIntegrations('TENANT_USER')).toBe(false);
    expect(canEditIntegrations('INTERNAL_SUPPORT')).toBe(false);
    expect(canEditIntegrations(null)).toBe(false);
  });
});

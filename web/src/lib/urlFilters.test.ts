import { describe, expect, it } from 'vitest';
import { readFilters, writeFilters } from './urlFilters';

const DEFAULTS = { status: 'error', type: '', tenant_id: '' };

describe('filters in the URL', () => {
  it('reads the filters and the page, defaults for the rest', () => {
    expect(readFilters(new URLSearchParams('type=whatsapp&offset=25'), DEFAULTS)).toEqual({
      status: 'error',
      type: 'whatsapp',
      tenant_id: '',
      offset: 25,
    });
    expect(readFilters(new URLSearchParams('offset=-3'), DEFAULTS).offset).toBe(0);
    expect(readFilters(new URLSearchParams('offset=x'), DEFAULTS).offset).toBe(0);
  });

  it('writes only what differs from the defaults and starts a new filter at page 1', () => {
    const p = new URLSearchParams('status=all&offset=50&other=1');
    expect(writeFilters(p, DEFAULTS, { type: 'email' }).toString()).toBe('status=all&other=1&type=email');
    expect(writeFilters(p, DEFAULTS, { status: 'error' }).toString()).toBe('other=1');
    expect(writeFilters(p, DEFAULTS, { offset: 75 }).toString()).toBe('status=all&offset=75&other=1');
    expect(writeFilters(p, DEFAULTS, { offset: 0 }).toString()).toBe('status=all&other=1');
  });

  it('round-trips', () => {
    const p = writeFilters(new URLSearchParams(), DEFAULTS, { tenant_id: 't1', type: 'api' });
    expect(readFilters(p, DEFAULTS)).toEqual({ status: 'error', type: 'api', tenant_id: 't1', offset: 0 });
  });
});

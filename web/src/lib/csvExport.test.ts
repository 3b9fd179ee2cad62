import { describe, expect, it } from 'vitest';
import { buildUrl } from '../api/client';
import { csvExportQuery, csvSeparatorFor, filenameFromDisposition } from './csvExport';

describe('csvExportQuery', () => {
  it('keeps the filters, drops the paging and asks for CSV', () => {
    const q = csvExportQuery({ status: 'open', tenant_id: 't1', limit: 20, offset: 40, severity: undefined }, 'pt');
    expect(q).toEqual({ status: 'open', tenant_id: 't1', severity: undefined, format: 'csv', sep: 'semicolon' });
    expect(buildUrl('', '/internal/incidents', q)).toBe(
      '/internal/incidents?status=open&tenant_id=t1&format=csv&sep=semicolon',
    );
  });

  it('uses ; in Portuguese and , in English, whatever the caller passed', () => {
    expect(csvSeparatorFor('pt')).toBe('semicolon');
    expect(csvSeparatorFor('en')).toBe('comma');
    expect(csvExportQuery({ sep: 'semicolon', format: 'json' }, 'en')).toEqual({ format: 'csv', sep: 'comma' });
  });
});

describe('filenameFromDisposition', () => {
  it('reads the quoted and the bare forms', () => {
    expect(filenameFromDisposition('attachment; filename="painel-audit.csv"', 'x.csv')).toBe('painel-audit.csv');
    expect(filenameFromDisposition('attachment; filename=painel-tenants.csv', 'x.csv')).toBe('painel-tenants.csv');
  });

  it('prefers the RFC 6266 UTF-8 form', () => {
    expect(
      filenameFromDisposition('attachment; filename="a.csv"; filename*=UTF-8\'\'uso%20s%C3%A3o.csv', 'x.csv'),
    ).toBe('uso são.csv');
  });

  it('never lets a path or control characters through', () => {
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', 'x.csv')).toBe('passwd');
    expect(filenameFromDisposition('attachment; filename="..\\\\evil.csv"', 'x.csv')).toBe('evil.csv');
    expect(filenameFromDisposition('attachment; filename=".."', 'x.csv')).toBe('x.csv');
    expect(filenameFromDisposition('attachment; filename="a\u0007b.csv"', 'x.csv')).toBe('ab.csv');
  });

  it('falls back without a header or a name', () => {
    expect(filenameFromDisposition(null, 'painel.csv')).toBe('painel.csv');
    expect(filenameFromDisposition('attachment', 'painel.csv')).toBe('painel.csv');
  });
});

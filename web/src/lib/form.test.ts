import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import {
  byteLength,
  centsToDecimal,
  cnpjValid,
  cnpjWithCheckDigits,
  parseMoneyCents,
  placeServerError,
  serverErrorFor,
  validate,
  validateField,
} from './form';

describe('cnpj (same rule as domain/cnpj.cpp)', () => {
  it('checks the two check digits', () => {
    expect(cnpjValid('11.222.333/0001-81')).toBe(true);
    expect(cnpjValid('11222333000181')).toBe(true);
    expect(cnpjValid('11.222.333/0001-82')).toBe(false);
    expect(cnpjValid('00000000000000')).toBe(false);
    expect(cnpjValid('1122233300018')).toBe(false);
    expect(cnpjValid('11a22233300018')).toBe(false);
    expect(cnpjWithCheckDigits('112223330001')).toBe('11222333000181');
  });
  it('agrees with the server on a remainder below 2 (check digit 0)', () => {
    // 11.444.777/0001-61 and a generated one whose second digit is 0
    expect(cnpjValid('11.444.777/0001-61')).toBe(true);
    for (const first12 of ['123456780001', '000000010001', '987654320001', '451245780001']) {
      const full = cnpjWithCheckDigits(first12);
      expect(cnpjValid(full)).toBe(true);
      const wrong = full.slice(0, 13) + String((Number(full[13]) + 1) % 10);
      expect(cnpjValid(wrong)).toBe(false);
    }
  });
});

describe('money', () => {
  it('reads at most two decimals, in cents, exactly', () => {
    expect(parseMoneyCents('199.90')).toBe(19990);
    expect(parseMoneyCents('199,9')).toBe(19990);
    expect(parseMoneyCents('1.234,56')).toBe(123456);
    expect(parseMoneyCents('R$ 10')).toBe(1000);
    expect(parseMoneyCents('0.1')).toBe(10);
    expect(parseMoneyCents('19.999')).toBeNull();
    expect(parseMoneyCents('-1')).toBeNull();
    expect(parseMoneyCents('abc')).toBeNull();
    expect(parseMoneyCents('')).toBeNull();
    expect(centsToDecimal(19990)).toBe('199.90');
    expect(centsToDecimal(5)).toBe('0.05');
  });
});

describe('validate', () => {
  it('required, byte lengths, control characters, ints, enums, json', () => {
    expect(validateField({ kind: 'text', required: true }, '  ')?.key).toBe('form.required');
    expect(validateField({ kind: 'text' }, '')).toBeNull();
    expect(validateField({ kind: 'text', max: 4 }, 'ação')).toEqual({ key: 'form.tooLong', vars: { max: 4 } }); // 6 bytes
    expect(byteLength('ação')).toBe(6);
    expect(validateField({ kind: 'text', max: 10 }, 'a\u0001b')?.key).toBe('form.oneLine');
    expect(validateField({ kind: 'text', max: 10 }, 'a\nb')?.key).toBe('form.oneLine');
    expect(validateField({ kind: 'text', max: 10, lines: true }, 'a\r\nb')).toBeNull();
    expect(validateField({ kind: 'text', max: 10, lines: true }, 'a\u0001b')?.key).toBe('form.control');
    expect(validateField({ kind: 'int', min: 0, max: 10 }, '11')?.key).toBe('form.intRange');
    expect(validateField({ kind: 'int', min: 0, max: 10 }, '1.5')?.key).toBe('form.int');
    expect(validateField({ kind: 'enum', values: ['a'], required: true }, 'b')?.key).toBe('form.choose');
    expect(validateField({ kind: 'json' }, '[1]')?.key).toBe('form.jsonObject');
    expect(validateField({ kind: 'json' }, '{"a":1}')).toBeNull();
    expect(validateField({ kind: 'cnpj', required: true }, '11.222.333/0001-82')?.key).toBe('form.cnpj');
    const errs = validate(
      { name: { kind: 'text', required: true }, price: { kind: 'money' } },
      { name: '', price: '1,234' },
    );
    expect(Object.keys(errs).sort()).toEqual(['name', 'price']);
  });
});

describe('server errors', () => {
  const fields = { name: 'name', cnpj: 'cnpj', max_agents: 'maxAgents', price_monthly: 'price' } as const;
  it('puts a detail that names a field next to it', () => {
    expect(placeServerError('name must not be empty', fields)).toEqual({
      field: 'name',
      text: 'name must not be empty',
    });
    expect(placeServerError('cnpj: already used by another tenant', fields).field).toBe('cnpj');
    expect(placeServerError('limits.max_agents must be an integer from 0 to 1000', fields).field).toBe('maxAgents');
    expect(placeServerError('price_monthly is too large', fields).field).toBe('price');
    // the tenants routes' words
    expect(placeServerError('a tenant with this CNPJ already exists', fields).field).toBe('cnpj');
    expect(placeServerError('cnpj: the check digits are wrong', fields).field).toBe('cnpj');
    expect(
      placeServerError('the tenant has reached its limit of 3 active agents (limits.max_agents)', fields).field,
    ).toBe('maxAgents');
    expect(placeServerError('an agent with this name already exists', { name: 'name' }).field).toBe('name');
    // two fields named: the top
    expect(placeServerError('name and cnpj do not match', fields).field).toBeNull();
    expect(placeServerError('both the cnpj and the name are taken', fields).field).toBeNull();
  });
  it('puts unknown fields and sentences at the top', () => {
    expect(placeServerError('unknown field(s): x (allowed: name, cnpj)', fields).field).toBeNull();
    expect(placeServerError('the body must be a JSON object', fields).field).toBeNull();
    expect(placeServerError('status changes go through SUSPEND/REACTIVATE commands', fields).field).toBeNull();
  });
  it('places ApiErrors by status', () => {
    const t = () => 'fallback';
    const e400 = new ApiError('invalid', 400, { detail: 'name must be at most 200 bytes' });
    expect(serverErrorFor(e400, fields, t)).toEqual({
      field: 'name',
      text: 'name must be at most 200 bytes',
      stale: false,
    });
    const e412 = new ApiError('precondition_failed', 412, { detail: 'the object changed' });
    expect(serverErrorFor(e412, fields, t)).toEqual({ field: null, text: 'fallback', stale: true });
    const e403 = new ApiError('forbidden', 403, { detail: 'name is not yours' });
    expect(serverErrorFor(e403, fields, t).field).toBeNull();
  });
});

// Form rules that mirror the server's (src/api/write_support.cpp, domain/cnpj), so a form
// says what is wrong before sending; and the reading of the server's problem+json `detail`
// back onto the field it names ("name must not be empty", "unknown field(s): x …",
// "limits.max_agents: …"), or onto the top of the form when it names none.

import type { MessageKey, Vars } from '../i18n/translate';
import { isApiError } from '../api/client';
import type { ProblemFieldError } from '../api/types';

/** A message to translate: the key and its placeholders. */
export interface Msg {
  key: MessageKey;
  vars?: Vars;
}

export type Rule =
  /** `lines`: newlines allowed (the support texts); other text refuses every control character, as BodyFields does. */
  | { kind: 'text'; required?: boolean; max?: number; lines?: boolean }
  | { kind: 'cnpj'; required?: boolean }
  | { kind: 'money'; required?: boolean; maxCents?: number }
  | { kind: 'int'; required?: boolean; min?: number; max?: number }
  | { kind: 'enum'; required?: boolean; values: readonly string[] }
  | { kind: 'json'; required?: boolean; maxBytes?: number };

export type Schema<F extends string> = Record<F, Rule>;
export type Values<F extends string> = Record<F, string>;
export type FieldErrors<F extends string> = Partial<Record<F, Msg | string>>;

const encoder = new TextEncoder();
/** The server bounds text in UTF-8 bytes, after trimming. */
export const byteLength = (s: string) => encoder.encode(s).length;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;

// ---------------------------------------------------------------- CNPJ (domain/cnpj.cpp)

export const digitsOnly = (s: string) => s.replace(/\D/g, '');

function checkDigit(d: string, weights: number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(d[i]) * weights[i];
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}
const W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

export function cnpjWithCheckDigits(first12: string): string {
  let d = first12;
  d += String(checkDigit(d, W1));
  d += String(checkDigit(d, W2));
  return d;
}

/** Same rule as the server: digits with optional . / - and spaces, 14 digits, not all equal, check digits right. */
export function cnpjValid(s: string): boolean {
  if (!/^[0-9./\- ]*$/.test(s)) return false;
  const d = digitsOnly(s);
  if (d.length !== 14) return false;
  if (/^(\d)\1*$/.test(d)) return false;
  return cnpjWithCheckDigits(d.slice(0, 12)) === d;
}

// ---------------------------------------------------------------- money

/**
 * "199.90", "199,90", "1.234,56", "1234" → cents; null when not an amount with at most two
 * decimals (the server refuses those too: no binary rounding).
 */
export function parseMoneyCents(input: string): number | null {
  let s = input.trim().replace(/^R\$\s*/, '');
  if (!s) return null;
  // pt-BR "1.234,56": dots group thousands, the comma is the decimal mark.
  if (s.includes(',')) s = s.replace(/\.(?=\d{3}(\D|$))/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  const [whole, frac = ''] = s.split('.');
  const cents = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Cents → the decimal string the server accepts exactly ("199.90"). */
export const centsToDecimal = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

// ---------------------------------------------------------------- validation

export function validateField(rule: Rule, raw: string): Msg | null {
  const v = rule.kind === 'json' ? raw.trim() : raw.trim();
  if (!v) return rule.required ? { key: 'form.required' } : null;
  switch (rule.kind) {
    case 'text': {
      const max = rule.max ?? 200;
      if (byteLength(v) > max) return { key: 'form.tooLong', vars: { max } };
      if ((rule.lines ? CONTROL_BUT_NEWLINES : CONTROL).test(v))
        return { key: rule.lines ? 'form.control' : 'form.oneLine' };
      return null;
    }
    case 'cnpj':
      return cnpjValid(v) ? null : { key: 'form.cnpj' };
    case 'money': {
      const c = parseMoneyCents(v);
      if (c === null) return { key: 'form.money' };
      if (rule.maxCents !== undefined && c > rule.maxCents) return { key: 'form.tooLarge' };
      return null;
    }
    case 'int': {
      if (!/^-?\d+$/.test(v)) return { key: 'form.int' };
      const n = Number(v);
      if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max))
        return { key: 'form.intRange', vars: { min: rule.min ?? '', max: rule.max ?? '' } };
      return null;
    }
    case 'enum':
      return rule.values.includes(v) ? null : { key: 'form.choose' };
    case 'json': {
      try {
        const o = JSON.parse(v) as unknown;
        if (!o || typeof o !== 'object' || Array.isArray(o)) return { key: 'form.jsonObject' };
      } catch {
        return { key: 'form.jsonObject' };
      }
      if (byteLength(v) > (rule.maxBytes ?? 16384))
        return { key: 'form.tooLong', vars: { max: rule.maxBytes ?? 16384 } };
      return null;
    }
  }
}

export function validate<F extends string>(schema: Schema<F>, values: Values<F>): FieldErrors<F> {
  const out: FieldErrors<F> = {};
  for (const f of Object.keys(schema) as F[]) {
    const e = validateField(schema[f], values[f] ?? '');
    if (e) out[f] = e;
  }
  return out;
}

export const hasErrors = (e: object) => Object.keys(e).length > 0;

// ---------------------------------------------------------------- server errors

/**
 * Where a server error belongs. `fields` maps API field names (as the server spells them:
 * "name", "limits.max_agents") to form fields. A 400/409/422 detail that starts with one of
 * them ("name must not be empty", "cnpj: already used", "price_monthly is too large") goes
 * next to that field; everything else (unknown fields, 403, 412, network) to the top.
 */
export function placeServerError<F extends string>(
  detail: string,
  fields: Partial<Record<string, F>>,
): { field: F | null; text: string } {
  const d = detail.trim();
  const m = /^([A-Za-z_][\w.]*)(?::\s*|\s+(?=must\b|is\b|are\b|has\b|already\b|not\b|cannot\b|does\b))/.exec(d);
  if (m && !/^unknown field/i.test(d)) {
    const apiField = m[1];
    const f = fields[apiField] ?? fields[apiField.split('.').pop() as string];
    if (f) return { field: f, text: d };
  }
  // "a tenant with this CNPJ already exists": exactly one field named anywhere in the
  // sentence (a whole word, any case) is where it belongs.
  if (!/^unknown field/i.test(d)) {
    const named = new Set<F>();
    for (const [apiField, f] of Object.entries(fields)) {
      const word = apiField.split('.').pop() as string;
      if (f && new RegExp(`(^|[^\\w])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`, 'i').test(d))
        named.add(f);
    }
    if (named.size === 1) return { field: [...named][0], text: d };
  }
  return { field: null, text: d };
}

/**
 * The refused fields a validation failure lists (`errors[]` of the problem), placed on the
 * form fields they name (`fields` as for placeServerError) with `text` (the translation of
 * each code); the ones no form field matches are returned apart, for the top of the form.
 */
export function placeFieldErrors<F extends string>(
  list: readonly ProblemFieldError[],
  fields: Partial<Record<string, F>>,
  text: (e: ProblemFieldError) => string,
): { placed: Partial<Record<F, string>>; unplaced: ProblemFieldError[] } {
  const placed: Partial<Record<F, string>> = {};
  const unplaced: ProblemFieldError[] = [];
  for (const e of list) {
    const f = fields[e.field] ?? fields[e.field.split('.').pop() as string];
    if (f && placed[f] === undefined) placed[f] = text(e);
    else if (!f) unplaced.push(e);
  }
  return { placed, unplaced };
}

/** The placement of any thrown error: field (with the server's words) or top-of-form. */
export function serverErrorFor<F extends string>(
  err: unknown,
  fields: Partial<Record<string, F>>,
  fallback: (err: unknown) => string,
): { field: F | null; text: string; stale: boolean } {
  if (isApiError(err) && err.kind === 'precondition_failed') return { field: null, text: fallback(err), stale: true };
  if (isApiError(err) && (err.status === 400 || err.status === 409 || err.status === 422)) {
    const detail = err.problem?.detail || err.problem?.title;
    if (detail) return { ...placeServerError(detail, fields), stale: false };
  }
  return { field: null, text: fallback(err), stale: false };
}

/** Strings of a form → trimmed text or undefined when empty (optional fields left out). */
export const opt = (s: string): string | undefined => (s.trim() ? s.trim() : undefined);
/** Empty → null (a PATCH that clears a value), otherwise the integer. */
export const intOrNull = (s: string): number | null => (s.trim() ? Number(s.trim()) : null);

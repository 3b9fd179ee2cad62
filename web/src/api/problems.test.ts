import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import {
  describeError,
  describeRefusal,
  fieldErrorText,
  problemCode,
  problemFieldErrors,
  PROBLEM_TYPE_BASE,
} from './errors';
import { placeFieldErrors } from '../lib/form';
import { hasKey, translate, type Lang } from '../i18n/translate';
import type { Problem } from './types';

const tFor = (lang: Lang) => (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) =>
  translate(lang, k, v);
const pt = tFor('pt');
const en = tFor('en');
const problem = (code: string, extra: Partial<Problem> = {}): Problem => ({
  type: PROBLEM_TYPE_BASE + code,
  title: 'T',
  detail: `${code} in English`,
  error: code,
  ...extra,
});

// The catalogue of src/http/problem_catalog.cpp (docs/problems.md): every kind and every
// field-error code has words in both languages.
const KINDS = [
  'bad-request',
  'validation-failed',
  'unauthorized',
  'invalid-credentials',
  'no-session',
  'forbidden',
  'tenant-suspended',
  'tenant-inactive',
  'not-found',
  'method-not-allowed',
  'request-timeout',
  'conflict',
  'precondition-failed',
  'payload-too-large',
  'unsupported-media-type',
  'unprocessable',
  'too-many-requests',
  'account-locked',
  'header-too-large',
  'internal-error',
  'service-unavailable',
  'error',
];
const FIELD_CODES = [
  'required',
  'not-null',
  'wrong-type',
  'empty',
  'too-long',
  'control-characters',
  'not-allowed',
  'out-of-range',
  'invalid-format',
  'unknown-field',
  'conflicting',
  'incorrect',
];

describe('problem types', () => {
  it('reads the kind from the type URI, else from `error`', () => {
    expect(problemCode(problem('tenant-suspended'))).toBe('tenant-suspended');
    expect(problemCode({ type: 'about:blank', error: 'conflict' })).toBe('conflict');
    expect(problemCode({ type: PROBLEM_TYPE_BASE })).toBeNull();
    expect(problemCode(null)).toBeNull();
  });

  it('has words for every kind and field code of the catalogue', () => {
    for (const k of KINDS) expect(hasKey(`problem.${k}`), k).toBe(true);
    for (const c of FIELD_CODES) expect(hasKey(`fieldError.${c}`), c).toBe(true);
  });

  it('translates a self-explaining kind by type, in pt-BR and English', () => {
    const err = new ApiError('forbidden', 403, problem('tenant-suspended', { detail: 'tenant suspended' }));
    expect(describeError(err, pt)).toBe('O acesso desta empresa está suspenso. Fale com o suporte.');
    expect(describeError(err, en)).toBe("This company's access is suspended. Please contact support.");
    expect(describeRefusal(err, pt)).toBe('O acesso desta empresa está suspenso. Fale com o suporte.');
    const busy = new ApiError('server', 503, problem('service-unavailable'));
    expect(describeError(busy, pt)).toBe('Serviço ocupado no momento. Tente novamente em instantes');
  });

  it('says the lockout wait in minutes, not seconds', () => {
    const err = new ApiError('rate_limited', 429, problem('account-locked'), null, 888);
    expect(describeError(err, pt)).toBe('Muitas tentativas de login. Tente novamente em 15 min');
    expect(describeError(err, en)).toBe('Too many sign-in attempts. Try again in 15 min');
  });

  it('keeps the server text for kinds whose detail says what happened', () => {
    const err = new ApiError(
      'conflict',
      409,
      problem('conflict', { detail: 'a tenant with this CNPJ already exists' }),
    );
    expect(describeError(err, pt)).toBe('a tenant with this CNPJ already exists');
    // an unknown kind (newer server): the server's text
    expect(describeError(new ApiError('invalid', 400, problem('brand-new-kind', { detail: 'new words' })), pt)).toBe(
      'new words',
    );
    // the original fixed 403 text stays for a plain refusal
    expect(describeError(new ApiError('forbidden', 403, problem('forbidden', { detail: 'admins only' })), pt)).toBe(
      'Você não tem permissão para acessar este recurso',
    );
  });

  it('translates a validation failure by its first field, falling back to the server sentence', () => {
    const errors = [
      { field: 'name', code: 'required', message: 'name is required' },
      { field: 'limits.max_agents', code: 'out-of-range', message: 'limits.max_agents must be …' },
    ];
    const err = new ApiError('invalid', 400, problem('validation-failed', { errors }));
    expect(describeError(err, pt)).toBe('name: Obrigatório');
    expect(describeError(err, en)).toBe('name: Required');
    expect(fieldErrorText({ field: 'x', code: 'some-new-code', message: 'x is odd' }, pt)).toBe('x is odd');
    // no errors[]: the detail
    expect(
      describeError(
        new ApiError('invalid', 400, problem('validation-failed', { detail: 'use either period or from/to' })),
        pt,
      ),
    ).toBe('use either period or from/to');
  });

  it('places each listed field error beside its form field', () => {
    const errors = [
      { field: 'name', code: 'too-long', message: 'name must be at most 200 bytes' },
      { field: 'limits.max_agents', code: 'out-of-range', message: '…' },
      { field: 'surprise', code: 'unknown-field', message: 'unknown field' },
      { field: 'name', code: 'empty', message: 'second error of the same field is dropped' },
    ];
    const err = new ApiError(
      'invalid',
      400,
      problem('validation-failed', { errors: [...errors, { bogus: 1 } as never] }),
    );
    const list = problemFieldErrors(err);
    expect(list).toHaveLength(4);
    const { placed, unplaced } = placeFieldErrors(list, { name: 'name', max_agents: 'maxAgents' }, (e) =>
      fieldErrorText(e, pt),
    );
    expect(placed).toEqual({ name: 'Longo demais', maxAgents: 'Fora do intervalo permitido' });
    expect(unplaced.map((e) => e.field)).toEqual(['surprise']);
    expect(problemFieldErrors(new Error('x'))).toEqual([]);
  });
});

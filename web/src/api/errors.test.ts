import { describe, expect, it } from 'vitest';
import { ApiError } from './client';
import {
  describeError,
  describeRefusal,
  ERROR_SHOWN_INLINE,
  shouldRetry,
  toastsMutationError,
  waitText,
} from './errors';
import { translate, type Lang } from '../i18n/translate';

const tFor = (lang: Lang) => (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) =>
  translate(lang, k, v);
const t = tFor('pt');

describe('describeError', () => {
  it('uses the original fixed messages for 403, network errors and expired sessions', () => {
    expect(describeError(new ApiError('forbidden', 403, { detail: 'admins only' }), t)).toBe(
      'Você não tem permissão para acessar este recurso',
    );
    expect(describeError(new ApiError('network', 0), t)).toBe('Erro de conexão. Tente novamente');
    expect(describeError(new ApiError('session_expired', 401), t)).toBe('Sessão expirada. Faça login novamente');
  });

  it('speaks English when asked', () => {
    const en = tFor('en');
    expect(describeError(new ApiError('forbidden', 403), en)).toBe(
      'You do not have permission to access this resource',
    );
    expect(describeError(new ApiError('network', 0), en)).toBe('Connection error. Please try again');
    expect(describeError(new ApiError('session_expired', 401), en)).toBe('Session expired. Please log in again');
  });

  it('shows the problem detail otherwise, then the title, then a generic text', () => {
    expect(
      describeError(new ApiError('invalid', 422, { title: 'Unprocessable', detail: 'agent_id is required' }), t),
    ).toBe('agent_id is required');
    expect(describeError(new ApiError('conflict', 409, { title: 'Conflict' }), t)).toBe('Conflict');
    expect(describeError(new ApiError('server', 503), t)).toBe('Erro inesperado (HTTP 503)');
    expect(describeError(new ApiError('not_found', 404), t)).toBe('Não encontrado');
    expect(describeError(new Error('boom'), t)).toBe('Erro inesperado');
  });

  it('mentions Retry-After for 429', () => {
    expect(describeError(new ApiError('rate_limited', 429, null, null, 5), t)).toBe(
      'Muitas requisições. Tente novamente em 5 s',
    );
  });
});

describe('describeRefusal', () => {
  it("shows a 403's own detail (self-approval), else falls back to describeError", () => {
    expect(
      describeRefusal(new ApiError('forbidden', 403, { detail: 'the creator cannot approve their own command' }), t),
    ).toBe('the creator cannot approve their own command');
    expect(describeRefusal(new ApiError('forbidden', 403), t)).toBe(describeError(new ApiError('forbidden', 403), t));
    expect(describeRefusal(new ApiError('conflict', 409, { detail: 'not awaiting approval' }), t)).toBe(
      'not awaiting approval',
    );
  });
});

describe('toastsMutationError', () => {
  it('toasts a mutation that shows nothing itself, not one whose page shows its error', () => {
    expect(toastsMutationError(undefined)).toBe(true);
    expect(toastsMutationError({})).toBe(true);
    expect(toastsMutationError(ERROR_SHOWN_INLINE)).toBe(false);
  });
});

describe('shouldRetry', () => {
  it('retries transient failures at most twice, never client errors', () => {
    expect(shouldRetry(0, new ApiError('network', 0))).toBe(true);
    expect(shouldRetry(1, new ApiError('server', 503))).toBe(true);
    expect(shouldRetry(2, new ApiError('server', 503))).toBe(false);
    expect(shouldRetry(0, new ApiError('forbidden', 403))).toBe(false);
    expect(shouldRetry(0, new ApiError('session_expired', 401))).toBe(false);
    expect(shouldRetry(0, new ApiError('invalid', 400))).toBe(false);
  });
});

describe('waits', () => {
  it('says a lockout in minutes, not seconds', () => {
    const locked = new ApiError('rate_limited', 429, { detail: 'too many attempts' }, null, 888);
    expect(describeError(locked, t)).toBe('Muitas requisições. Tente novamente em 15 min');
    expect(describeError(locked, tFor('en'))).toBe('Too many requests. Try again in 15 min');
    expect(waitText(45, t)).toBe('45 s');
    expect(waitText(60, t)).toBe('1 min');
    expect(waitText(61, t)).toBe('2 min');
    expect(waitText(7200, t)).toBe('2 h');
  });
});

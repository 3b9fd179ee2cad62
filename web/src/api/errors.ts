// What a person reads when a call fails. The original's fixed messages for 403, network
// errors and expired sessions; a kind of error the server names by its problem `type`
// (docs/problems.md) in the reader's language; otherwise the problem's `detail` (RFC 9457).

import { hasKey, type MessageKey, type Vars } from '../i18n/translate';
import { isApiError, type ApiError } from './client';
import type { Problem, ProblemFieldError } from './types';

export type T = (key: MessageKey, vars?: Vars) => string;

export function errorMessageKey(err: unknown): MessageKey | null {
  if (!isApiError(err)) return null;
  switch (err.kind) {
    case 'session_expired':
      return 'error.sessionExpired';
    case 'forbidden':
      return 'error.forbidden';
    case 'network':
      return 'error.network';
    case 'rate_limited':
      return 'error.rateLimited';
    default:
      return null;
  }
}

/**
 * A wait as people say it: "45 s" under a minute, then whole minutes rounded up
 * ("888 s" → "15 min"), then hours ("2 h").
 */
export function waitText(seconds: number, t: T): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t('time.seconds', { n: s });
  if (s < 3600) return t('time.minutes', { n: Math.ceil(s / 60) });
  return t('time.hours', { n: Math.ceil(s / 3600) });
}

/** The base of every problem `type` URI the server sends (src/http/problem_catalog.hpp). */
export const PROBLEM_TYPE_BASE = 'https://painel.alquimista.ai/problems/';

/** The kind of a problem: the code its `type` URI ends in, else its `error` member. */
export function problemCode(p: Problem | null | undefined): string | null {
  if (!p) return null;
  if (typeof p.type === 'string' && p.type.startsWith(PROBLEM_TYPE_BASE) && p.type.length > PROBLEM_TYPE_BASE.length)
    return p.type.slice(PROBLEM_TYPE_BASE.length);
  return typeof p.error === 'string' && p.error ? p.error : null;
}

// Kinds whose translation says all there is to say. The others (bad-request, not-found,
// conflict, unprocessable, forbidden…) carry what matters in the server's `detail` (which
// CNPJ clashes, which rule refused), so that text is shown, as before.
const SELF_EXPLAINING = new Set([
  'invalid-credentials',
  'tenant-suspended',
  'tenant-inactive',
  'method-not-allowed',
  'request-timeout',
  'precondition-failed',
  'payload-too-large',
  'unsupported-media-type',
  'header-too-large',
  'internal-error',
  'service-unavailable',
]);

/** A refused field's reason in the reader's language; the server's sentence for a code unknown here. */
export function fieldErrorText(e: ProblemFieldError, t: T): string {
  const key = `fieldError.${e.code}`;
  return hasKey(key) ? t(key) : e.message;
}

/** The refused fields of a validation failure (`errors[]`), well-formed entries only. */
export function problemFieldErrors(err: unknown): ProblemFieldError[] {
  if (!isApiError(err)) return [];
  const list = err.problem?.errors;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is ProblemFieldError =>
      !!e &&
      typeof e === 'object' &&
      typeof e.field === 'string' &&
      typeof e.code === 'string' &&
      typeof e.message === 'string',
  );
}

/** The translation of the problem's kind, or null when the server's own text should be shown. */
export function problemText(err: ApiError, t: T): string | null {
  const code = problemCode(err.problem);
  if (!code) return null;
  if (code === 'account-locked')
    return err.retryAfter !== null
      ? t('problem.account-locked', { wait: waitText(err.retryAfter, t) })
      : t('problem.account-locked.soon');
  if (code === 'validation-failed') {
    const first = problemFieldErrors(err)[0];
    return first ? t('fieldError.withField', { field: first.field, message: fieldErrorText(first, t) }) : null;
  }
  const key = `problem.${code}`;
  return SELF_EXPLAINING.has(code) && hasKey(key) ? t(key) : null;
}

export function describeError(err: unknown, t: T): string {
  if (isApiError(err) && err.kind !== 'session_expired' && err.kind !== 'network') {
    const text = problemText(err, t);
    if (text) return text;
  }
  const key = errorMessageKey(err);
  if (key) {
    if (isApiError(err) && err.kind === 'rate_limited' && err.retryAfter !== null) {
      return t('error.rateLimitedRetry', { wait: waitText(err.retryAfter, t) });
    }
    return t(key);
  }
  if (isApiError(err)) {
    const detail = err.problem?.detail || err.problem?.title;
    if (detail) return detail;
    if (err.kind === 'not_found') return t('error.notFound');
    return t('error.generic', { status: err.status });
  }
  return t('error.unexpected');
}

/**
 * Like describeError, but a 403 that carries the server's own problem `detail` shows that
 * detail: where the refusal is a rule and not a missing permission (four-eyes approval: the
 * creator may not approve their own command), the generic "no permission" text would mislead.
 */
export function describeRefusal(err: unknown, t: T): string {
  if (isApiError(err) && err.kind === 'forbidden' && err.problem?.detail)
    return problemText(err, t) ?? err.problem.detail;
  return describeError(err, t);
}

/**
 * A mutation whose page shows its error itself (under the row, in its dialog) says so with
 * `meta: { errorShownInline: true }`; the app-wide toast then stays quiet, so the refusal
 * is not said twice (once in detail, once as a generic "no permission" toast).
 */
export const ERROR_SHOWN_INLINE = { errorShownInline: true } as const;

/** Whether the app-wide handler toasts a failed mutation (not when its page shows it). */
export function toastsMutationError(meta: Record<string, unknown> | undefined): boolean {
  return meta?.errorShownInline !== true;
}

/** Whether react-query should try a failed read again (only transient failures). */
export function shouldRetry(failureCount: number, err: unknown): boolean {
  if (failureCount >= 2) return false;
  if (!isApiError(err)) return false;
  return err.kind === 'network' || err.kind === 'server' || err.kind === 'rate_limited';
}

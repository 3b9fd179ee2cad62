// What a person reads when a call fails. The original's fixed messages for 403, network
// errors and expired sessions; otherwise the problem's `detail` (RFC 9457).

import type { MessageKey, Vars } from '../i18n/translate';
import { isApiError } from './client';

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

export function describeError(err: unknown, t: T): string {
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
  if (isApiError(err) && err.kind === 'forbidden' && err.problem?.detail) return err.problem.detail;
  return describeError(err, t);
}

/** Whether react-query should try a failed read again (only transient failures). */
export function shouldRetry(failureCount: number, err: unknown): boolean {
  if (failureCount >= 2) return false;
  if (!isApiError(err)) return false;
  return err.kind === 'network' || err.kind === 'server' || err.kind === 'rate_limited';
}

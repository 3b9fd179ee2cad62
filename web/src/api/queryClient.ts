// The app's react-query client: what happens to a failed read or write app-wide.

import { MutationCache, QueryCache, QueryClient, type QueryFilters } from '@tanstack/react-query';
import { t } from '../i18n/I18nProvider';
import { pushToast } from '../lib/toasts';
import { isApiError } from './client';
import { describeError, shouldRetry, toastsMutationError } from './errors';

function toastError(err: unknown) {
  if (isApiError(err) && err.kind === 'session_expired') return; // the login page says it
  pushToast('error', describeError(err, t));
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      // A failed first load shows inline on the page; a failed background refresh of data
      // already on screen is not critical, so it is a toast.
      onError: (err, query) => {
        if (query.state.data !== undefined) toastError(err);
      },
    }),
    mutationCache: new MutationCache({
      // A failed write is a toast, unless its page shows the error itself (meta
      // ERROR_SHOWN_INLINE): then it would be said twice.
      onError: (err, _vars, _result, mutation) => {
        if (toastsMutationError(mutation.meta)) toastError(err);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        retry: shouldRetry,
        retryDelay: (n) => Math.min(1000 * 2 ** n, 8000),
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}

/**
 * After a write: marks the matching reads stale and fetches the ones on screen again.
 * invalidateQueries alone restarts a fetch in flight only when its query already has
 * data; a first fetch (a filter just changed: "resolved" picked while the resolve was on
 * its way) is joined, and it may answer with what the server read before the write, which
 * would then stay on screen. So those are cancelled first (back to "no data", their
 * request aborted), and the refetch asks the server again.
 */
export async function invalidateAfterWrite(qc: QueryClient, filters: QueryFilters): Promise<void> {
  await qc.cancelQueries({
    ...filters,
    predicate: (q) =>
      q.state.fetchStatus !== 'idle' && q.state.data === undefined && (!filters.predicate || filters.predicate(q)),
  });
  await qc.invalidateQueries(filters);
}

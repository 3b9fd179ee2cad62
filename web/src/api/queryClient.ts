// The app's react-query client: what happens to a failed read or write app-wide.

import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
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

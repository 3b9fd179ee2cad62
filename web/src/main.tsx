import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { AuthProvider } from './auth/AuthProvider';
import { I18nProvider, t } from './i18n/I18nProvider';
import { Toasts } from './components/Toasts';
import { describeError, shouldRetry } from './api/errors';
import { isApiError } from './api/client';
import { BASE_PATH } from './api/base';
import { pushToast } from './lib/toasts';
import './styles.css';

function toastError(err: unknown) {
  if (isApiError(err) && err.kind === 'session_expired') return; // the login page says it
  pushToast('error', describeError(err, t));
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({
    // A failed first load shows inline on the page; a failed background refresh of data
    // already on screen is not critical, so it is a toast.
    onError: (err, query) => {
      if (query.state.data !== undefined) toastError(err);
    },
  }),
  mutationCache: new MutationCache({ onError: (err) => toastError(err) }),
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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter basename={BASE_PATH || undefined}>
          <AuthProvider>
            <App />
          </AuthProvider>
        </BrowserRouter>
        <Toasts />
      </QueryClientProvider>
    </I18nProvider>
  </StrictMode>,
);

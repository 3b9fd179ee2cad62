import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { AuthProvider } from './auth/AuthProvider';
import { I18nProvider } from './i18n/I18nProvider';
import { Toasts } from './components/Toasts';
import { BASE_PATH } from './api/base';
import { makeQueryClient } from './api/queryClient';
import './styles.css';

const queryClient = makeQueryClient();

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

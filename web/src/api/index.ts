import { ApiClient, memoryStore, type KeyValueStore } from './client';

function sessionStore(): KeyValueStore {
  try {
    if (typeof window !== 'undefined' && window.sessionStorage) {
      const probe = '__painel_probe__';
      window.sessionStorage.setItem(probe, '1');
      window.sessionStorage.removeItem(probe);
      return window.sessionStorage;
    }
  } catch {
    // Storage disabled (privacy mode): the session then lasts until the page is reloaded.
  }
  return memoryStore();
}

/** The app's single API client (same origin as the page: paths like /tenant/me). */
export const api = new ApiClient({ storage: sessionStore() });

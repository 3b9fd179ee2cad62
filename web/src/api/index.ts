import { ApiClient, SESSION_CHANNEL, type LockFn, type SessionChannel } from './client';
import { BASE_PATH } from './base';

/** The tabs' BroadcastChannel, or null where the browser has none (the tab then acts alone). */
function sessionChannel(): SessionChannel | null {
  try {
    if (typeof BroadcastChannel !== 'undefined')
      return new BroadcastChannel(SESSION_CHANNEL) as unknown as SessionChannel;
  } catch {
    // Fall through: no channel.
  }
  return null;
}

/**
 * The Web Locks API, exclusive across the origin's tabs. Without it (Safari < 15.4,
 * Firefox < 96) refreshes are single-flight per tab only: two tabs refreshing at the same
 * instant could make the server see a rotated token again and end the session (the user
 * logs in again; nothing leaks). docs/ui.md says so.
 */
function webLock(): LockFn | undefined {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  if (!locks || typeof locks.request !== 'function') return undefined;
  return <T>(name: string, fn: () => Promise<T>) => locks.request(name, { mode: 'exclusive' }, fn) as Promise<T>;
}

/** The app's single API client (same origin as the page: paths like /tenant/me, under BASE_PATH). */
export const api = new ApiClient({ baseUrl: BASE_PATH, channel: sessionChannel(), lock: webLock() });

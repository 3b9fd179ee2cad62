// The one place that talks HTTP to painel.
//
// Tokens: the access token lives only in this object's memory; the refresh token lives
// in sessionStorage (per tab, gone when the tab closes; never localStorage), so a page
// reload can get a new access token without asking for the password again.
// Refresh: proactive (a timer fires shortly before `expires_in` runs out, and a request
// made after that point refreshes first) plus reactive (one refresh and one retry after a
// 401). Refreshes are single-flight: concurrent 401s share one POST /auth/refresh.
// When the refresh token is refused the session is over: tokens are dropped and
// `onSessionExpired` runs (the app sends the user to /app/login with a message).

import type { Problem, TokenResponse, User } from './types';

export type ErrorKind =
  | 'network'
  | 'session_expired'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'invalid'
  | 'rate_limited'
  | 'server'
  | 'http';

export class ApiError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly problem: Problem | null;
  readonly requestId: string | null;
  readonly retryAfter: number | null;

  constructor(
    kind: ErrorKind,
    status: number,
    problem: Problem | null = null,
    requestId: string | null = null,
    retryAfter: number | null = null,
  ) {
    super(problem?.detail || problem?.title || `${kind} (${status})`);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.problem = problem;
    this.requestId = requestId ?? problem?.request_id ?? null;
    this.retryAfter = retryAfter;
  }
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 0) return 'network';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 412) return 'precondition_failed';
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'invalid';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'http';
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    getItem: (k) => (m.has(k) ? (m.get(k) as string) : null),
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

export const REFRESH_TOKEN_KEY = 'painel.refresh_token';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

/** Joins base, path and the query parameters that have a value (empty strings dropped). */
export function buildUrl(base: string, path: string, query?: Query): string {
  let url = base.replace(/\/$/, '') + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      qs.append(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  return url;
}

export interface RequestOptions {
  method?: string;
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** false for the /auth/login-like calls that must not carry or refresh tokens. */
  auth?: boolean;
}

type Timer = unknown;

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  storage?: KeyValueStore;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => Timer;
  clearTimer?: (t: Timer) => void;
  onSessionExpired?: () => void;
}

/** How long before expiry a token is refreshed: 20% of its life, at most one minute. */
export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, Math.max(0, expiresInSeconds) * 1000 * 0.2);
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly storage: KeyValueStore;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => Timer;
  private readonly clearTimer: (t: Timer) => void;

  private accessToken: string | null = null;
  private expiresAt = 0;
  private marginMs = 0;
  private timer: Timer | null = null;
  private refreshing: Promise<boolean> | null = null;
  private expiredNotified = false;
  /** The user object of the last login or refresh answer, when the server sent one. */
  lastUser: User | null = null;
  onSessionExpired: (() => void) | null;
  /** The last ETag seen per path (GET answers and write answers), for If-Match on edits. */
  private readonly etags = new Map<string, string>();

  constructor(opts: ApiClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? '';
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.storage = opts.storage ?? memoryStore();
    this.now = opts.now ?? (() => Date.now());
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
    this.onSessionExpired = opts.onSessionExpired ?? null;
  }

  get hasAccessToken(): boolean {
    return this.accessToken !== null;
  }

  get hasRefreshToken(): boolean {
    return this.storage.getItem(REFRESH_TOKEN_KEY) !== null;
  }

  /** For tests and diagnostics only. */
  get tokenExpiresAt(): number {
    return this.expiresAt;
  }

  async login(email: string, password: string): Promise<TokenResponse> {
    const tokens = await this.request<TokenResponse>('/auth/login', {
      method: 'POST',
      body: { email, password },
      auth: false,
    });
    this.setTokens(tokens);
    return tokens;
  }

  /** Ends the session on the server (best effort) and forgets the tokens here. */
  async logout(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    const access = this.accessToken;
    this.clearTokens();
    if (!refreshToken) return;
    try {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (access) headers.Authorization = `Bearer ${access}`;
      await this.fetchFn(buildUrl(this.baseUrl, '/auth/logout'), {
        method: 'POST',
        headers,
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    } catch {
      // Logging out must work offline too; the server-side token expires on its own.
    }
  }

  /**
   * Trades the stored refresh token for a new pair. Resolves false when there is none or
   * the server refuses it (the session is over); rejects with an ApiError on network
   * errors, 429 and 5xx (the session may still be fine). Concurrent calls share one request.
   */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) return false;
    let res: Response;
    try {
      res = await this.fetchFn(buildUrl(this.baseUrl, '/auth/refresh'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
    } catch (e) {
      throw toNetworkError(e);
    }
    if (!res.ok) {
      if (res.status === 429 || res.status >= 500) throw await errorFromResponse(res);
      this.clearTokens();
      return false;
    }
    const tokens = (await res.json()) as TokenResponse;
    if (!tokens || !tokens.access_token) {
      this.clearTokens();
      return false;
    }
    this.setTokens(tokens);
    return true;
  }

  setTokens(tokens: TokenResponse): void {
    this.accessToken = tokens.access_token;
    const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 3600;
    this.expiresAt = this.now() + expiresIn * 1000;
    this.marginMs = refreshMarginMs(expiresIn);
    if (tokens.refresh_token) this.storage.setItem(REFRESH_TOKEN_KEY, tokens.refresh_token);
    if (tokens.user) this.lastUser = tokens.user;
    this.expiredNotified = false;
    this.schedule();
  }

  clearTokens(): void {
    this.accessToken = null;
    this.expiresAt = 0;
    this.lastUser = null;
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    const delay = Math.max(0, this.expiresAt - this.marginMs - this.now());
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.refresh().then(
        (ok) => {
          if (!ok) this.expire();
        },
        () => {
          // Network trouble or a busy server: try again soon while the token may still be valid.
          if (this.accessToken) {
            this.timer = this.setTimer(() => {
              this.timer = null;
              this.refresh().then((ok) => !ok && this.expire(), () => undefined);
            }, 15_000);
          }
        },
      );
    }, delay);
  }

  private expire(): ApiError {
    this.clearTokens();
    if (!this.expiredNotified) {
      this.expiredNotified = true;
      this.onSessionExpired?.();
    }
    return new ApiError('session_expired', 401);
  }

  /** Makes sure a usable access token is at hand before a request (proactive refresh). */
  private async ensureFresh(): Promise<void> {
    const stale = this.accessToken !== null && this.now() >= this.expiresAt - this.marginMs;
    const missing = this.accessToken === null && this.hasRefreshToken;
    if (!stale && !missing) return;
    let ok: boolean;
    try {
      ok = await this.refresh();
    } catch (e) {
      // Transient failure: go on with what we have; a 401 below tries again.
      if (isApiError(e)) return;
      throw e;
    }
    if (!ok) throw this.expire();
  }

  private async send(path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
    let body: BodyInit | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (opts.auth !== false && this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;
    try {
      return await this.fetchFn(buildUrl(this.baseUrl, path, opts.query), {
        method: opts.method ?? 'GET',
        headers,
        body,
        signal: opts.signal,
      });
    } catch (e) {
      throw toNetworkError(e);
    }
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const authed = opts.auth !== false;
    if (authed) await this.ensureFresh();
    let res = await this.send(path, opts);
    if (res.status === 401 && authed) {
      const ok = await this.refresh();
      if (!ok) throw this.expire();
      res = await this.send(path, opts);
      if (res.status === 401) throw this.expire();
    }
    if (!res.ok) throw await errorFromResponse(res);
    const etag = res.headers?.get?.('ETag');
    if (etag) this.etags.set(path, etag);
    if (res.status === 204 || res.status === 205) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('server', res.status, { title: 'Invalid JSON from server' });
    }
  }

  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.request<T>(path, { query, signal });
  }

  post<T>(path: string, body?: unknown, headers?: Record<string, string>, query?: Query): Promise<T> {
    return this.request<T>(path, { method: 'POST', body: body ?? {}, headers, query });
  }

  /**
   * A file answer (CSV export) fetched with the in-memory access token and the same
   * refresh-and-retry as request(); the body comes back as a Blob with the server's file
   * name (Content-Disposition), for the caller to hand to the browser.
   */
  async download(path: string, query?: Query, accept = 'text/csv'): Promise<{ blob: Blob; disposition: string | null }> {
    const opts: RequestOptions = { query, headers: { Accept: accept } };
    await this.ensureFresh();
    let res = await this.send(path, opts);
    if (res.status === 401) {
      const ok = await this.refresh();
      if (!ok) throw this.expire();
      res = await this.send(path, opts);
      if (res.status === 401) throw this.expire();
    }
    if (!res.ok) throw await errorFromResponse(res);
    return { blob: await res.blob(), disposition: res.headers.get('Content-Disposition') };
  }

  /** The ETag of the last answer for `path` (a GET or a write), if the server sent one. */
  etagFor(path: string): string | null {
    return this.etags.get(path) ?? null;
  }

  /**
   * A write that honours If-Match: sends the last ETag seen for `etagPath` (default: the
   * path itself), so the server answers 412 when someone else changed the object since.
   */
  write<T>(method: 'PATCH' | 'PUT' | 'DELETE' | 'POST', path: string, body?: unknown, opts: { query?: Query; etagPath?: string } = {}): Promise<T> {
    const headers: Record<string, string> = {};
    const tag = this.etagFor(opts.etagPath ?? path);
    if (tag && method !== 'POST') headers['If-Match'] = tag;
    return this.request<T>(path, { method, body, headers, query: opts.query });
  }
}

function toNetworkError(e: unknown): unknown {
  // Cancellation (react-query aborting an outdated fetch) is not a connection problem.
  if (e && typeof e === 'object' && (e as { name?: string }).name === 'AbortError') return e;
  return new ApiError('network', 0, null);
}

export async function errorFromResponse(res: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  try {
    const text = await res.text();
    if (text) {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object') problem = parsed as Problem;
    }
  } catch {
    problem = null;
  }
  const ra = res.headers.get('Retry-After');
  const retryAfter = ra !== null && /^\d+$/.test(ra) ? Number(ra) : null;
  return new ApiError(kindForStatus(res.status), res.status, problem, res.headers.get('X-Request-Id'), retryAfter);
}

// The one place that talks HTTP to painel.
//
// Tokens: the access token lives only in this object's memory; the refresh token is never
// seen by script at all: the server keeps it in an HttpOnly, SameSite=Strict cookie scoped
// to /auth (cookie mode, `X-Painel-Session: cookie`; docs/security.md), so a new tab or a
// reload gets an access token by refreshing through the cookie, without the password.
// Refresh: proactive (a timer fires shortly before `expires_in` runs out, and a request
// made after that point refreshes first) plus reactive (one refresh and one retry after a
// 401). Refreshes are single-flight in a tab (concurrent 401s share one POST /auth/refresh)
// and across tabs: they run under one Web Lock, because the server rotates the refresh
// token and treats a rotated one coming back as theft (it revokes the whole session). A
// tab that waited for the lock while another refreshed takes that tab's new token instead
// of refreshing again.
// Tabs share the session over a BroadcastChannel: a login or refresh hands the new access
// token to the others, a logout or an expired session ends it in every tab.
// When the refresh is refused the session is over: tokens are dropped and
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

/** Asks the server for cookie mode on /auth/login, /auth/refresh and /auth/logout. */
export const SESSION_HEADER = 'X-Painel-Session';
export const SESSION_CHANNEL = 'painel-session';
export const REFRESH_LOCK = 'painel-refresh';

/** What one tab tells the others. Never the refresh token: only the server sees that. */
export type SessionMessage =
  | { type: 'tokens'; access_token: string; expires_at: number; expires_in: number; user: User | null }
  | { type: 'logout' }
  | { type: 'expired' };

/** The part of BroadcastChannel the client uses (a fake in unit tests). */
export interface SessionChannel {
  postMessage(message: SessionMessage): void;
  onmessage: ((event: { data: SessionMessage }) => void) | null;
}

/** Runs `fn` holding the named lock, exclusive across the origin's tabs (Web Locks API). */
export type LockFn = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** A refresh: done; no session cookie at all (never logged in); or refused (session over). */
export type RefreshResult = 'ok' | 'none' | 'refused';

/** What another tab did to the shared session: `tokens` after its login or refresh. */
export type SessionChange = { kind: 'tokens'; user: User | null } | { kind: 'logout' };

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
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => Timer;
  clearTimer?: (t: Timer) => void;
  onSessionExpired?: () => void;
  /** The tabs' channel; null: this tab alone. */
  channel?: SessionChannel | null;
  /** The cross-tab lock; default: none (one tab). */
  lock?: LockFn;
}

/** How long before expiry a token is refreshed: 20% of its life, at most one minute. */
export function refreshMarginMs(expiresInSeconds: number): number {
  return Math.min(60_000, Math.max(0, expiresInSeconds) * 1000 * 0.2);
}

export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly channel: SessionChannel | null;
  private readonly lock: LockFn;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => Timer;
  private readonly clearTimer: (t: Timer) => void;

  private accessToken: string | null = null;
  private expiresAt = 0;
  private marginMs = 0;
  private timer: Timer | null = null;
  private refreshing: Promise<RefreshResult> | null = null;
  private expiredNotified = false;
  /** Counts token changes, so a tab that waited for the lock sees that another refreshed. */
  private generation = 0;
  /**
   * This tab had the session (a login, a restore or another tab's token) and nothing since
   * said it ended: a request without an access token then refreshes first. A new tab
   * starts without and restores with refreshSession() (AuthProvider does, on load).
   */
  private mayHaveSession = false;
  /** The user object of the last login or refresh answer, when the server sent one. */
  lastUser: User | null = null;
  onSessionExpired: (() => void) | null;
  /** Another tab logged in, refreshed or logged out. */
  onSessionChanged: ((change: SessionChange) => void) | null = null;
  /** The last ETag seen per path (GET answers and write answers), for If-Match on edits. */
  private readonly etags = new Map<string, string>();

  constructor(opts: ApiClientOptions = {}) {
    this.baseUrl = opts.baseUrl ?? '';
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.channel = opts.channel ?? null;
    this.lock = opts.lock ?? ((_name, fn) => fn());
    if (this.channel) this.channel.onmessage = (ev) => this.receive(ev.data);
    this.now = opts.now ?? (() => Date.now());
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((t) => clearTimeout(t as ReturnType<typeof setTimeout>));
    this.onSessionExpired = opts.onSessionExpired ?? null;
  }

  get hasAccessToken(): boolean {
    return this.accessToken !== null;
  }

  /** True while this tab holds (or held, without hearing it ended) the session. */
  get mayHaveSessionCookie(): boolean {
    return this.mayHaveSession;
  }

  /** For tests and diagnostics only. */
  get tokenExpiresAt(): number {
    return this.expiresAt;
  }

  async login(email: string, password: string): Promise<TokenResponse> {
    const tokens = await this.request<TokenResponse>('/auth/login', {
      method: 'POST',
      body: { email, password },
      headers: { [SESSION_HEADER]: 'cookie' },
      auth: false,
    });
    this.setTokens(tokens);
    return tokens;
  }

  /**
   * Ends the session on the server (best effort, under the refresh lock so no tab is
   * rotating the cookie meanwhile), then in every tab: the others hear of it only once the
   * cookie is gone, so one that reloads at that moment cannot restore the session.
   */
  async logout(): Promise<void> {
    const access = this.accessToken;
    this.clearTokens();
    this.mayHaveSession = false;
    try {
      await this.lock(REFRESH_LOCK, async () => {
        const headers: Record<string, string> = { ...cookieModeHeaders() };
        if (access) headers.Authorization = `Bearer ${access}`;
        await this.fetchFn(buildUrl(this.baseUrl, '/auth/logout'), {
          method: 'POST',
          headers,
          body: '{}',
          credentials: 'same-origin',
        });
      });
    } catch {
      // Logging out must work offline too; the server-side session expires on its own.
    }
    this.broadcast({ type: 'logout' });
  }

  /**
   * Trades the session cookie for a new access token. Resolves false when there is no
   * session or the server refuses it (the session is over); rejects with an ApiError on
   * network errors, 429 and 5xx (the session may still be fine). Concurrent calls share
   * one request.
   */
  async refresh(): Promise<boolean> {
    return (await this.refreshSession()) === 'ok';
  }

  /** refresh() that also says why not: 'none' (no session cookie) or 'refused'. */
  refreshSession(): Promise<RefreshResult> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<RefreshResult> {
    const seen = this.generation;
    return this.lock(REFRESH_LOCK, async () => {
      // Another tab refreshed (or logged in) while this one waited: its token came over
      // the channel, and refreshing again would only rotate the cookie once more.
      if (this.generation !== seen && this.accessToken !== null && !this.isStale()) return 'ok';
      let res: Response;
      try {
        res = await this.fetchFn(buildUrl(this.baseUrl, '/auth/refresh'), {
          method: 'POST',
          headers: cookieModeHeaders(),
          body: '{}',
          credentials: 'same-origin',
        });
      } catch (e) {
        throw toNetworkError(e);
      }
      if (!res.ok) {
        const err = await errorFromResponse(res);
        if (res.status === 429 || res.status >= 500) throw err;
        this.clearTokens();
        this.mayHaveSession = false;
        return (err.problem as { error?: string } | null)?.error === 'no-session' ? 'none' : 'refused';
      }
      const tokens = (await res.json().catch(() => null)) as TokenResponse | null;
      if (!tokens || !tokens.access_token) {
        this.clearTokens();
        this.mayHaveSession = false;
        return 'refused';
      }
      this.setTokens(tokens);
      return 'ok';
    });
  }

  /** Takes a login's or refresh's answer and hands the access token to the other tabs. */
  setTokens(tokens: TokenResponse): void {
    const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 3600;
    this.adopt(tokens.access_token, this.now() + expiresIn * 1000, expiresIn, tokens.user ?? null);
    this.broadcast({
      type: 'tokens',
      access_token: tokens.access_token,
      expires_at: this.expiresAt,
      expires_in: expiresIn,
      user: tokens.user ?? null,
    });
  }

  clearTokens(): void {
    this.accessToken = null;
    this.expiresAt = 0;
    this.lastUser = null;
    this.generation++;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private adopt(access: string, expiresAt: number, expiresIn: number, user: User | null): void {
    this.accessToken = access;
    this.expiresAt = expiresAt;
    this.marginMs = refreshMarginMs(expiresIn);
    if (user) this.lastUser = user;
    this.generation++;
    this.mayHaveSession = true;
    this.expiredNotified = false;
    this.schedule();
  }

  private broadcast(message: SessionMessage): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // A closed channel: this tab is going away.
    }
  }

  /** A message from another tab. */
  private receive(m: SessionMessage): void {
    if (!m || typeof m !== 'object') return;
    if (m.type === 'tokens' && typeof m.access_token === 'string' && Number(m.expires_at) > 0) {
      this.adopt(m.access_token, Number(m.expires_at), Number(m.expires_in) || 3600, m.user ?? null);
      this.onSessionChanged?.({ kind: 'tokens', user: m.user ?? null });
    } else if (m.type === 'logout') {
      this.clearTokens();
      this.mayHaveSession = false;
      this.onSessionChanged?.({ kind: 'logout' });
    } else if (m.type === 'expired') {
      // Only a tab that had the session says so; a tab on the login page stays as it is.
      if (this.accessToken !== null) this.expire(false);
      this.mayHaveSession = false;
    }
  }

  private isStale(): boolean {
    return this.accessToken !== null && this.now() >= this.expiresAt - this.marginMs;
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
              this.refresh().then(
                (ok) => !ok && this.expire(),
                () => undefined,
              );
            }, 15_000);
          }
        },
      );
    }, delay);
  }

  /** The session is over here; `tell` passes it on to the other tabs. */
  private expire(tell = true): ApiError {
    this.clearTokens();
    this.mayHaveSession = false;
    if (!this.expiredNotified) {
      this.expiredNotified = true;
      this.onSessionExpired?.();
      if (tell) this.broadcast({ type: 'expired' });
    }
    return new ApiError('session_expired', 401);
  }

  /** Makes sure a usable access token is at hand before a request (proactive refresh). */
  private async ensureFresh(): Promise<void> {
    const stale = this.isStale();
    const missing = this.accessToken === null && this.mayHaveSession;
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
  async download(
    path: string,
    query?: Query,
    accept = 'text/csv',
  ): Promise<{ blob: Blob; disposition: string | null }> {
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
  write<T>(
    method: 'PATCH' | 'PUT' | 'DELETE' | 'POST',
    path: string,
    body?: unknown,
    opts: { query?: Query; etagPath?: string } = {},
  ): Promise<T> {
    const headers: Record<string, string> = {};
    const tag = this.etagFor(opts.etagPath ?? path);
    if (tag && method !== 'POST') headers['If-Match'] = tag;
    return this.request<T>(path, { method, body, headers, query: opts.query });
  }
}

function cookieModeHeaders(): Record<string, string> {
  return { 'Content-Type': 'application/json', Accept: 'application/json', [SESSION_HEADER]: 'cookie' };
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

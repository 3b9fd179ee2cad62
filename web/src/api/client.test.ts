import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, buildUrl, kindForStatus, refreshMarginMs, SESSION_HEADER } from './client';

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });
}

const user = { id: 'u1', email: 'a@b.c', name: 'Ana', groups: ['TENANT_ADMIN'], role: 'TENANT_ADMIN', tenant_id: 't1' };
const tokens = (n: number, expiresIn = 3600) => ({
  access_token: `access-${n}`,
  id_token: 'id',
  token_type: 'Bearer',
  expires_in: expiresIn,
  user, // cookie mode: the refresh token is in the cookie, not here
});

/** A fake clock and timer queue, so proactive refresh is tested without waiting. */
function harness(handler: Handler) {
  let now = 1_000_000;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    calls.push({ url, init });
    return handler(url, init);
  });
  const onSessionExpired = vi.fn();
  const client = new ApiClient({
    fetch: fetchMock as unknown as typeof fetch,
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    onSessionExpired,
  });
  return {
    client,
    calls,
    fetchMock,
    onSessionExpired,
    timers,
    advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      for (const t of due) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
    get now() {
      return now;
    },
  };
}

const auth = (init: RequestInit) => (init.headers as Record<string, string>)?.Authorization;
const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)?.[name];
const body = (init: RequestInit) => JSON.parse(String(init.body));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('buildUrl', () => {
  it('drops empty values and encodes the rest', () => {
    expect(
      buildUrl('', '/internal/tenants', { search: 'a b', plan: '', status: 'all', x: undefined, y: null, limit: 25 }),
    ).toBe('/internal/tenants?search=a+b&status=all&limit=25');
    expect(buildUrl('http://h/', '/x')).toBe('http://h/x');
  });
});

describe('kindForStatus', () => {
  it('maps status codes', () => {
    expect(kindForStatus(401)).toBe('unauthorized');
    expect(kindForStatus(403)).toBe('forbidden');
    expect(kindForStatus(404)).toBe('not_found');
    expect(kindForStatus(409)).toBe('conflict');
    expect(kindForStatus(422)).toBe('invalid');
    expect(kindForStatus(429)).toBe('rate_limited');
    expect(kindForStatus(503)).toBe('server');
  });
});

describe('ApiClient login and tokens', () => {
  it('keeps the access token in memory and asks for the refresh token in a cookie', async () => {
    const h = harness((url) => (url === '/auth/login' ? json(200, tokens(1)) : json(200, { ok: true })));
    const res = await h.client.login('a@b.c', 'pw');
    expect(res.user?.role).toBe('TENANT_ADMIN');
    expect(header(h.calls[0].init, SESSION_HEADER)).toBe('cookie');
    expect(body(h.calls[0].init)).toEqual({ email: 'a@b.c', password: 'pw' });
    expect(auth(h.calls[0].init)).toBeUndefined();
    await h.client.get('/tenant/me');
    expect(auth(h.calls[1].init)).toBe('Bearer access-1');
    expect(h.client.lastUser?.email).toBe('a@b.c');
  });

  it('a wrong password is a plain 401 error, not a session expiry', async () => {
    const h = harness(() => json(401, { title: 'Unauthorized', status: 401, detail: 'invalid credentials' }));
    await expect(h.client.login('a@b.c', 'bad')).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(h.onSessionExpired).not.toHaveBeenCalled();
    expect(h.fetchMock).toHaveBeenCalledTimes(1);
  });

  it('never touches localStorage or sessionStorage', async () => {
    const ls = { setItem: vi.fn(), getItem: vi.fn(), removeItem: vi.fn() };
    const ss = { setItem: vi.fn(), getItem: vi.fn(), removeItem: vi.fn() };
    vi.stubGlobal('localStorage', ls);
    vi.stubGlobal('sessionStorage', ss);
    try {
      const h = harness((url) => (url.startsWith('/auth/log') ? json(200, tokens(1)) : json(200, tokens(2))));
      await h.client.login('a@b.c', 'pw');
      expect(await h.client.refresh()).toBe(true);
      await h.client.logout();
      expect(ls.setItem).not.toHaveBeenCalled();
      expect(ss.setItem).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('ApiClient 401 → refresh → retry', () => {
  it('refreshes once and retries the request with the new token', async () => {
    let meCalls = 0;
    const h = harness((url, init) => {
      if (url === '/auth/login') return json(200, tokens(1));
      if (url === '/auth/refresh') {
        expect(body(init)).toEqual({}); // the cookie carries the refresh token
        expect(header(init, SESSION_HEADER)).toBe('cookie');
        expect(init.credentials).toBe('same-origin');
        return json(200, tokens(2));
      }
      meCalls++;
      return auth(init) === 'Bearer access-2' ? json(200, { id: 't1' }) : json(401, { status: 401, title: 'expired' });
    });
    await h.client.login('a@b.c', 'pw');
    await expect(h.client.get('/tenant/me')).resolves.toEqual({ id: 't1' });
    expect(meCalls).toBe(2);
    expect(h.client.mayHaveSessionCookie).toBe(true);
    expect(h.onSessionExpired).not.toHaveBeenCalled();
  });

  it('concurrent 401s share a single refresh', async () => {
    let refreshes = 0;
    const h = harness(async (url, init) => {
      if (url === '/auth/login') return json(200, tokens(1));
      if (url === '/auth/refresh') {
        refreshes++;
        await flush();
        return json(200, tokens(2));
      }
      return auth(init) === 'Bearer access-2' ? json(200, { url }) : json(401, {});
    });
    await h.client.login('a@b.c', 'pw');
    const results = await Promise.all([
      h.client.get('/tenant/me'),
      h.client.get('/tenant/agents'),
      h.client.get('/tenant/usage'),
    ]);
    expect(results).toHaveLength(3);
    expect(refreshes).toBe(1);
  });

  it('refresh refused → session expired: tokens dropped, callback once, error kind session_expired', async () => {
    const h = harness((url) => {
      if (url === '/auth/login') return json(200, tokens(1));
      if (url === '/auth/refresh') return json(401, { title: 'invalid refresh token' });
      return json(401, {});
    });
    await h.client.login('a@b.c', 'pw');
    const [a, b] = await Promise.allSettled([h.client.get('/tenant/me'), h.client.get('/tenant/agents')]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(ApiError);
    expect((a as PromiseRejectedResult).reason.kind).toBe('session_expired');
    expect(h.onSessionExpired).toHaveBeenCalledTimes(1);
    expect(h.client.mayHaveSessionCookie).toBe(false);
    expect(h.client.hasAccessToken).toBe(false);
  });

  it('a second 401 after a successful refresh also ends the session (no loop)', async () => {
    const h = harness((url) => {
      if (url === '/auth/login') return json(200, tokens(1));
      if (url === '/auth/refresh') return json(200, tokens(2));
      return json(401, {});
    });
    await h.client.login('a@b.c', 'pw');
    await expect(h.client.get('/tenant/me')).rejects.toMatchObject({ kind: 'session_expired' });
    expect(h.fetchMock).toHaveBeenCalledTimes(4); // login, me, refresh, me
    expect(h.onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('a network error during refresh is a network error, and keeps the session', async () => {
    const h = harness((url) => {
      if (url === '/auth/login') return json(200, tokens(1));
      if (url === '/auth/refresh') throw new TypeError('Failed to fetch');
      return json(401, {});
    });
    await h.client.login('a@b.c', 'pw');
    await expect(h.client.get('/tenant/me')).rejects.toMatchObject({ kind: 'network', status: 0 });
    expect(h.onSessionExpired).not.toHaveBeenCalled();
    expect(h.client.mayHaveSessionCookie).toBe(true);
  });

  it('after a reload the session is restored through the cookie before the first request', async () => {
    const h = harness((url, init) => {
      if (url === '/auth/refresh') return json(200, tokens(5));
      return auth(init) === 'Bearer access-5' ? json(200, { ok: 1 }) : json(401, {});
    });
    await expect(h.client.refreshSession()).resolves.toBe('ok');
    await expect(h.client.get('/auth/me')).resolves.toEqual({ ok: 1 });
    expect(h.calls.map((c) => c.url)).toEqual(['/auth/refresh', '/auth/me']);
  });
});

describe('ApiClient proactive refresh', () => {
  it('margin is 20% of the lifetime, capped at one minute', () => {
    expect(refreshMarginMs(3600)).toBe(60_000);
    expect(refreshMarginMs(100)).toBe(20_000);
  });

  it('a timer refreshes shortly before expires_in runs out', async () => {
    let refreshes = 0;
    const h = harness((url) => {
      if (url === '/auth/login') return json(200, tokens(1, 300));
      if (url === '/auth/refresh') return json(200, tokens(2 + refreshes++, 300));
      return json(200, {});
    });
    await h.client.login('a@b.c', 'pw');
    expect(h.timers).toHaveLength(1);
    expect(h.timers[0].at - h.now).toBe(300_000 - 60_000);
    h.advance(239_999);
    expect(refreshes).toBe(0);
    h.advance(1);
    await flush();
    expect(refreshes).toBe(1);
    expect(h.client.hasAccessToken).toBe(true);
    expect(h.timers).toHaveLength(1); // re-armed for the new token
  });

  it('a request made inside the margin refreshes first', async () => {
    const h = harness((url, init) => {
      if (url === '/auth/login') return json(200, tokens(1, 300));
      if (url === '/auth/refresh') return json(200, tokens(2, 300));
      return json(200, { auth: auth(init) });
    });
    await h.client.login('a@b.c', 'pw');
    h.timers.length = 0; // pretend the timer was throttled (background tab)
    h.advance(250_000);
    await expect(h.client.get('/tenant/me')).resolves.toEqual({ auth: 'Bearer access-2' });
    expect(h.calls.map((c) => c.url)).toEqual(['/auth/login', '/auth/refresh', '/tenant/me']);
  });

  it('a refused proactive refresh expires the session', async () => {
    const h = harness((url) => {
      if (url === '/auth/login') return json(200, tokens(1, 300));
      return json(401, {});
    });
    await h.client.login('a@b.c', 'pw');
    h.advance(240_000);
    await flush();
    expect(h.onSessionExpired).toHaveBeenCalledTimes(1);
    expect(h.client.hasAccessToken).toBe(false);
  });
});

describe('ApiClient errors', () => {
  it('parses RFC 9457 problems and the request id', async () => {
    const h = harness(() =>
      json(422, {
        type: 'about:blank',
        title: 'Unprocessable',
        status: 422,
        detail: 'agent_id is required',
        request_id: 'r-1',
      }),
    );
    const err = (await h.client.post('/internal/operations/commands', {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.kind).toBe('invalid');
    expect(err.problem?.detail).toBe('agent_id is required');
    expect(err.requestId).toBe('r-1');
    expect(err.message).toBe('agent_id is required');
  });

  it('maps 403 to forbidden and reads X-Request-Id and Retry-After', async () => {
    const h = harness((url) =>
      url.includes('billing')
        ? json(403, { status: 403, detail: 'admins only' }, { 'X-Request-Id': 'abc' })
        : json(429, { status: 429 }, { 'Retry-After': '7' }),
    );
    await expect(h.client.get('/internal/billing/overview')).rejects.toMatchObject({
      kind: 'forbidden',
      requestId: 'abc',
    });
    await expect(h.client.get('/tenant/me')).rejects.toMatchObject({ kind: 'rate_limited', retryAfter: 7 });
  });

  it('maps a failed fetch to a network error but lets aborts through', async () => {
    const h = harness((url) => {
      if (url === '/abort') throw new DOMException('aborted', 'AbortError');
      throw new TypeError('Failed to fetch');
    });
    await expect(h.client.get('/x')).rejects.toMatchObject({ kind: 'network', status: 0 });
    await expect(h.client.get('/abort')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('204 and empty bodies resolve to undefined; non-JSON error bodies still give an ApiError', async () => {
    const h = harness((url) =>
      url === '/empty'
        ? new Response(null, { status: 204 })
        : new Response('<html>bad gateway</html>', { status: 502 }),
    );
    await expect(h.client.get('/empty')).resolves.toBeUndefined();
    await expect(h.client.get('/x')).rejects.toMatchObject({ kind: 'server', status: 502, problem: null });
  });

  it('sends JSON bodies and extra headers (Idempotency-Key)', async () => {
    const h = harness(() => json(202, { command_id: 'c1', status: 'PENDING' }));
    await h.client.post('/internal/operations/commands', { command_type: 'HEALTH_CHECK' }, { 'Idempotency-Key': 'k1' });
    const hd = h.calls[0].init.headers as Record<string, string>;
    expect(hd['Idempotency-Key']).toBe('k1');
    expect(hd['Content-Type']).toBe('application/json');
    expect(h.calls[0].init.method).toBe('POST');
  });
});

describe('ApiClient logout', () => {
  it('logs out through the cookie and forgets the access token', async () => {
    const h = harness((url) => (url === '/auth/login' ? json(200, tokens(1)) : new Response(null, { status: 204 })));
    await h.client.login('a@b.c', 'pw');
    await h.client.logout();
    const call = h.calls[1];
    expect(call.url).toBe('/auth/logout');
    expect(body(call.init)).toEqual({});
    expect(header(call.init, SESSION_HEADER)).toBe('cookie');
    expect(auth(call.init)).toBe('Bearer access-1');
    expect(h.client.mayHaveSessionCookie).toBe(false);
    expect(h.client.hasAccessToken).toBe(false);
    expect(h.timers).toHaveLength(0);
  });

  it('works offline', async () => {
    const h = harness((url) => {
      if (url === '/auth/login') return json(200, tokens(1));
      throw new TypeError('offline');
    });
    await h.client.login('a@b.c', 'pw');
    await expect(h.client.logout()).resolves.toBeUndefined();
    expect(h.client.mayHaveSessionCookie).toBe(false);
  });
});

describe('If-Match from the last ETag', () => {
  it('sends the ETag of the last read on a PATCH, and 412 is precondition_failed', async () => {
    let patches = 0;
    const h = harness((url, init) => {
      if (url === '/auth/login') return json(200, tokens(1));
      if (init.method === 'PATCH') {
        patches++;
        const im = (init.headers as Record<string, string>)['If-Match'];
        return im === '"v1"' ? json(200, { id: 't1' }, { ETag: '"v2"' }) : json(412, { detail: 'changed' });
      }
      return json(200, { tenant: { id: 't1' } }, { ETag: '"v1"' });
    });
    await h.client.login('a@b.c', 'pw');
    expect(h.client.etagFor('/internal/tenants/t1')).toBeNull();
    await h.client.get('/internal/tenants/t1');
    expect(h.client.etagFor('/internal/tenants/t1')).toBe('"v1"');
    await h.client.write('PATCH', '/internal/tenants/t1', { name: 'x' });
    expect(h.client.etagFor('/internal/tenants/t1')).toBe('"v2"');
    const err = (await h.client.write('PATCH', '/internal/tenants/t1', { name: 'y' }).catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.kind).toBe('precondition_failed');
    expect(patches).toBe(2);
    expect(kindForStatus(412)).toBe('precondition_failed');
  });
});

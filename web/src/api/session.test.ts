// One session across tabs: the refresh token lives in a cookie every tab sends, and the
// server rotates it on each refresh and ends the whole session when a rotated one comes
// back (reuse detection). These tests run several ApiClients ("tabs") against a fake of
// that server, a shared cookie jar, a BroadcastChannel hub and a Web Lock.
import { describe, expect, it, vi } from 'vitest';
import { ApiClient, type LockFn, type SessionChannel, type SessionMessage } from './client';

const user = { id: 'u1', email: 'a@b.c', name: 'Ana', groups: ['TENANT_ADMIN'], role: 'TENANT_ADMIN', tenant_id: 't1' };
const flush = () => new Promise((r) => setTimeout(r, 0));

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
}

/** The server's refresh-token family, the browser's cookie jar, and the tabs' plumbing. */
function browser({ lock = true } = {}) {
  const server = { current: null as string | null, rotated: new Set<string>(), revoked: false, refreshes: 0, n: 0 };
  let jar: string | null = null; // the painel-refresh cookie, shared by every tab
  const access = new Set<string>();
  const issue = () => {
    const a = `access-${++server.n}`;
    access.add(a);
    return { access_token: a, id_token: 'id', token_type: 'Bearer', expires_in: 900, user };
  };
  const fetchFn = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const sent = jar; // what the browser attaches when the request leaves
    await flush(); // the network: other tabs run meanwhile
    if (url === '/auth/login') {
      server.current = jar = `rt-${++server.n}`;
      server.revoked = false;
      return json(200, issue());
    }
    if (url === '/auth/refresh') {
      server.refreshes++;
      if (!sent) return json(401, { status: 401, error: 'no-session' });
      if (server.rotated.has(sent)) {
        server.revoked = true; // reuse: the whole family ends
        server.current = null;
        access.clear();
        return json(401, { status: 401, error: 'unauthorized' });
      }
      if (sent !== server.current || server.revoked) return json(401, { status: 401, error: 'unauthorized' });
      server.rotated.add(sent);
      server.current = jar = `rt-${++server.n}`;
      return json(200, issue());
    }
    if (url === '/auth/logout') {
      server.revoked = true;
      server.current = null;
      access.clear();
      jar = null;
      return new Response(null, { status: 204 });
    }
    const a = (init.headers as Record<string, string>)?.Authorization?.replace('Bearer ', '');
    return a && access.has(a) && !server.revoked ? json(200, { ok: a }) : json(401, { status: 401 });
  };
  const members: SessionChannel[] = [];
  const channel = (): SessionChannel => {
    const me: SessionChannel = {
      onmessage: null,
      postMessage(m: SessionMessage) {
        for (const other of members)
          if (other !== me) setTimeout(() => other.onmessage?.({ data: structuredClone(m) }), 0);
      },
    };
    members.push(me);
    return me;
  };
  // Exclusive and in order; the next holder is let in a task later, as a lock granted by
  // the browser process (like the channel's messages) arrives as a task.
  let tail: Promise<unknown> = Promise.resolve();
  const webLock: LockFn = (_name, fn) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined).then(flush);
    return run;
  };
  const tab = () => {
    const onSessionExpired = vi.fn();
    const client = new ApiClient({
      fetch: fetchFn as unknown as typeof fetch,
      channel: channel(),
      lock: lock ? webLock : undefined,
      setTimer: () => 0, // proactive refresh is covered in client.test.ts
      clearTimer: () => undefined,
      onSessionExpired,
    });
    const onSessionChanged = vi.fn();
    client.onSessionChanged = onSessionChanged;
    return { client, onSessionExpired, onSessionChanged };
  };
  return { server, tab, cookie: () => jar };
}

describe('one session across tabs', () => {
  it('a new tab restores the session through the cookie; with none it is simply anonymous', async () => {
    const b = browser();
    const first = b.tab();
    expect(await first.client.refreshSession()).toBe('none');
    expect(first.onSessionExpired).not.toHaveBeenCalled();
    await first.client.login('a@b.c', 'pw');
    const second = b.tab();
    expect(await second.client.refreshSession()).toBe('ok');
    await expect(second.client.get('/auth/me')).resolves.toEqual({ ok: 'access-4' });
  });

  it('a login in one tab reaches the others', async () => {
    const b = browser();
    const a = b.tab();
    const other = b.tab();
    await a.client.login('a@b.c', 'pw');
    await flush();
    expect(other.onSessionChanged).toHaveBeenCalledWith({ kind: 'tokens', user });
    expect(other.client.hasAccessToken).toBe(true);
    await expect(other.client.get('/tenant/me')).resolves.toEqual({ ok: 'access-2' });
    expect(b.server.refreshes).toBe(0); // it took the token, it did not refresh
  });

  it('many tabs refreshing at once: one rotation at a time, never a reuse', async () => {
    const b = browser();
    const tabs = [b.tab(), b.tab(), b.tab(), b.tab()];
    await tabs[0].client.login('a@b.c', 'pw');
    await flush();
    const results = await Promise.all(tabs.map((t) => t.client.refresh()));
    expect(results).toEqual([true, true, true, true]);
    expect(b.server.revoked).toBe(false);
    expect(b.server.refreshes).toBeGreaterThanOrEqual(1);
    for (const t of tabs) {
      await expect(t.client.get('/tenant/me')).resolves.toMatchObject({ ok: expect.any(String) });
      expect(t.onSessionExpired).not.toHaveBeenCalled();
    }
    expect(await tabs[2].client.refreshSession()).toBe('ok'); // the cookie still works
  });

  it('a tab that waited for the lock takes the new token instead of refreshing again', async () => {
    const b = browser();
    const [a, c] = [b.tab(), b.tab()];
    await a.client.login('a@b.c', 'pw');
    await flush();
    const before = b.server.refreshes;
    const p1 = a.client.refresh();
    // c asks while a holds the lock; a's new token arrives over the channel first.
    const p2 = (async () => {
      await flush();
      return c.client.refresh();
    })();
    expect(await Promise.all([p1, p2])).toEqual([true, true]);
    expect(b.server.refreshes - before).toBe(1);
  });

  it('without the lock two tabs would trip reuse detection (why the lock exists)', async () => {
    const b = browser({ lock: false });
    const tabs = [b.tab(), b.tab()];
    await tabs[0].client.login('a@b.c', 'pw');
    await flush();
    const results = await Promise.all(tabs.map((t) => t.client.refresh()));
    expect(results).toContain(false);
    expect(b.server.revoked).toBe(true);
  });

  it('a logout in one tab logs out all', async () => {
    const b = browser();
    const [a, other] = [b.tab(), b.tab()];
    await a.client.login('a@b.c', 'pw');
    await flush();
    // The others hear of it once the cookie is gone, so a tab reloading then stays out.
    let cookieWhenTold: string | null | undefined;
    other.client.onSessionChanged = (change) => {
      cookieWhenTold = b.cookie();
      other.onSessionChanged(change);
    };
    await a.client.logout();
    await flush();
    expect(cookieWhenTold).toBeNull();
    expect(b.cookie()).toBeNull();
    expect(other.onSessionChanged).toHaveBeenLastCalledWith({ kind: 'logout' });
    expect(other.client.hasAccessToken).toBe(false);
    expect(other.client.mayHaveSessionCookie).toBe(false);
    expect(await other.client.refreshSession()).toBe('none');
  });

  it('a session that ends in one tab (refused refresh) ends in the others', async () => {
    const b = browser();
    const [a, other, anonymous] = [b.tab(), b.tab(), b.tab()];
    await a.client.login('a@b.c', 'pw');
    await flush();
    anonymous.client.clearTokens(); // a tab that never took the session (login page)
    b.server.revoked = true; // "log out everywhere" from another device
    await expect(a.client.get('/tenant/me')).rejects.toMatchObject({ kind: 'session_expired' });
    await flush();
    expect(a.onSessionExpired).toHaveBeenCalledTimes(1);
    expect(other.onSessionExpired).toHaveBeenCalledTimes(1);
    expect(other.client.hasAccessToken).toBe(false);
    expect(anonymous.onSessionExpired).not.toHaveBeenCalled();
  });
});

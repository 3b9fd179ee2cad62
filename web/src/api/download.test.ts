import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError } from './client';

const csv = '\ufeffid,name\r\n1,"a,b"\r\n';

function client(handler: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return handler(String(input), init);
  });
  const c = new ApiClient({
    fetch: fetchMock as unknown as typeof fetch,
    setTimer: () => 0,
    clearTimer: () => undefined,
  });
  return { c, calls };
}

const tokens = (n: number) => ({
  access_token: `access-${n}`,
  id_token: 'id',
  token_type: 'Bearer',
  expires_in: 3600,
  refresh_token: `refresh-${n}`,
});

describe('ApiClient.download', () => {
  it('sends the token and Accept: text/csv and returns the file with its name', async () => {
    const { c, calls } = client(
      () =>
        new Response(csv, {
          status: 200,
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': 'attachment; filename="painel-audit.csv"',
          },
        }),
    );
    c.setTokens(tokens(1));
    const out = await c.download('/internal/audit', { format: 'csv', action: 'auth.login' });
    expect(calls[0].url).toBe('/internal/audit?format=csv&action=auth.login');
    const h = calls[0].init.headers as Record<string, string>;
    expect(h.Authorization).toBe('Bearer access-1');
    expect(h.Accept).toBe('text/csv');
    expect(out.disposition).toBe('attachment; filename="painel-audit.csv"');
    expect(new Uint8Array(await out.blob.arrayBuffer()).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it('refreshes once on a 401 and retries', async () => {
    let n = 0;
    const { c, calls } = client((url) => {
      if (url === '/auth/refresh') return new Response(JSON.stringify(tokens(2)), { status: 200 });
      n += 1;
      return n === 1 ? new Response('{}', { status: 401 }) : new Response(csv, { status: 200 });
    });
    c.setTokens(tokens(1));
    await c.download('/internal/tenants', { format: 'csv' });
    expect(calls.map((x) => x.url)).toEqual([
      '/internal/tenants?format=csv',
      '/auth/refresh',
      '/internal/tenants?format=csv',
    ]);
    expect((calls[2].init.headers as Record<string, string>).Authorization).toBe('Bearer access-2');
  });

  it('turns a refusal into an ApiError with the problem', async () => {
    const { c } = client(
      () =>
        new Response(JSON.stringify({ title: 'Forbidden', status: 403, detail: 'no' }), {
          status: 403,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
    );
    c.setTokens(tokens(1));
    const err = await c.download('/internal/audit', { format: 'csv' }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe('forbidden');
    expect((err as ApiError).problem?.detail).toBe('no');
  });
});

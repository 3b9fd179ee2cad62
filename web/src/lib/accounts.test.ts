import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import {
  auditApiQuery,
  DEFAULT_AUDIT_LIST,
  DEFAULT_USER_LIST,
  deviceFromUserAgent,
  groupsReachableFrom,
  isTenantGroup,
  listSearchParams,
  metadataSummary,
  parseAuditListState,
  parseUserListState,
  passwordProblem,
  patchList,
  prettyMetadata,
  resetOutcome,
  tokenFromSearch,
  userApiQuery,
  userQuota,
} from './accounts';

describe('passwordProblem (the server rules the browser can check)', () => {
  it('wants 10 to 128 characters, counted as code points', () => {
    expect(passwordProblem('', '')).toBe('password.required');
    expect(passwordProblem('123456789', '123456789')).toBe('password.tooShort');
    expect(passwordProblem('a'.repeat(10), 'a'.repeat(10))).toBeNull();
    expect(passwordProblem('a'.repeat(128), 'a'.repeat(128))).toBeNull();
    expect(passwordProblem('a'.repeat(129), 'a'.repeat(129))).toBe('password.tooLong');
    // Five emoji are 10 UTF-16 units but 5 characters.
    expect(passwordProblem('😀😀😀😀😀', '😀😀😀😀😀')).toBe('password.tooShort');
  });
  it('refuses the e-mail (any case) and two different copies', () => {
    expect(passwordProblem('Ana@Example.com', 'Ana@Example.com', 'ana@example.com')).toBe('password.isEmail');
    expect(passwordProblem('painel-test-pw-1', 'painel-test-pw-2')).toBe('password.mismatch');
    expect(passwordProblem('painel-test-pw-1', 'painel-test-pw-1', 'ana@example.com')).toBeNull();
  });
});

describe('resetOutcome', () => {
  it('400 is a used or expired link, 422 the rule the server names, the rest is shown as is', () => {
    expect(resetOutcome(new ApiError('invalid', 400, { detail: 'invalid or expired link' }))).toEqual({ kind: 'link' });
    expect(resetOutcome(new ApiError('invalid', 422, { detail: 'new_password is too common' }))).toEqual({
      kind: 'rule',
      detail: 'new_password is too common',
    });
    expect(resetOutcome(new ApiError('network', 0))).toEqual({ kind: 'other' });
    expect(resetOutcome(new Error('x'))).toEqual({ kind: 'other' });
  });
  it('reads the token from the query string (base64url only)', () => {
    const tok = 'AbC-_0123456789abcdefghijklmnopqrstuvwxyzAB';
    expect(tokenFromSearch(`?token=${tok}`)).toBe(tok);
    expect(tokenFromSearch('?token=')).toBeNull();
    expect(tokenFromSearch('')).toBeNull();
    expect(tokenFromSearch('?token=<script>alert(1)</script>')).toBeNull();
  });
});

describe('deviceFromUserAgent', () => {
  it('names browser and system', () => {
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 131 · Windows');
    expect(deviceFromUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0')).toBe(
      'Firefox 133 · Linux',
    );
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      ),
    ).toBe('Safari 18 · iPhone');
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      ),
    ).toBe('Edge 131 · Windows');
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      ),
    ).toBe('Chrome 131 · Android');
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      ),
    ).toBe('Safari 18 · macOS');
    expect(
      deviceFromUserAgent(
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome (headless) 130 · Linux');
  });
  it('names command-line clients and gives up politely', () => {
    expect(deviceFromUserAgent('curl/8.5.0')).toBe('curl 8.5.0');
    expect(deviceFromUserAgent('Python-urllib/3.11')).toBe('Python-urllib 3.11');
    expect(deviceFromUserAgent('')).toBeNull();
    expect(deviceFromUserAgent(null)).toBeNull();
    expect(deviceFromUserAgent('SomethingElse')).toBe('SomethingElse');
  });
});

describe('groups', () => {
  it('a group change stays within its kind', () => {
    expect(groupsReachableFrom('TENANT_USER')).toEqual(['TENANT_ADMIN', 'TENANT_USER']);
    expect(groupsReachableFrom('INTERNAL_SUPPORT')).toEqual(['INTERNAL_ADMIN', 'INTERNAL_SUPPORT']);
    expect(isTenantGroup('TENANT_ADMIN')).toBe(true);
    expect(isTenantGroup('INTERNAL_ADMIN')).toBe(false);
  });
});

describe('users list state in the URL', () => {
  it('reads filters, drops invalid ones, and writes only what differs from the default', () => {
    const s = parseUserListState(
      new URLSearchParams('search=ana&group=TENANT_ADMIN&tenant_id=0b9c-11&status=disabled&limit=10&offset=20'),
    );
    expect(s).toEqual({
      search: 'ana',
      group: 'TENANT_ADMIN',
      tenant_id: '0b9c-11',
      status: 'disabled',
      limit: 10,
      offset: 20,
    });
    expect(parseUserListState(new URLSearchParams('group=ROOT&status=gone&limit=0&tenant_id=x;drop'))).toEqual(
      DEFAULT_USER_LIST,
    );
    expect(listSearchParams(s, DEFAULT_USER_LIST).toString()).toBe(
      'search=ana&group=TENANT_ADMIN&tenant_id=0b9c-11&status=disabled&limit=10&offset=20',
    );
    expect(listSearchParams(DEFAULT_USER_LIST, DEFAULT_USER_LIST).toString()).toBe('');
  });
  it('a filter change goes back to the first page; paging keeps the filters', () => {
    const s = { ...DEFAULT_USER_LIST, offset: 50, search: 'x' };
    expect(patchList(s, { group: 'TENANT_USER' }).offset).toBe(0);
    expect(patchList(s, { offset: 75 })).toEqual({ ...s, offset: 75 });
  });
  it('builds the API query (tenant_id only on the staff side, status always sent)', () => {
    const s = { ...DEFAULT_USER_LIST, search: '  ana ', tenant_id: 't1' };
    expect(userApiQuery(s, 'internal')).toEqual({
      search: 'ana',
      group: undefined,
      tenant_id: 't1',
      status: 'all',
      limit: 25,
      offset: 0,
    });
    expect(userApiQuery(s, 'tenant').tenant_id).toBeUndefined();
  });
});

describe('audit list state in the URL', () => {
  it('keeps days as YYYY-MM-DD and drops the rest', () => {
    const s = parseAuditListState(
      new URLSearchParams('actor=u1&action=user.update&from=2026-12-01&to=yesterday&offset=50'),
    );
    expect(s).toEqual({ ...DEFAULT_AUDIT_LIST, actor: 'u1', action: 'user.update', from: '2026-12-01', offset: 50 });
    expect(auditApiQuery(s)).toEqual({
      actor: 'u1',
      tenant_id: undefined,
      action: 'user.update',
      from: '2026-12-01',
      to: undefined,
      limit: 50,
      offset: 50,
    });
    expect(listSearchParams(s, DEFAULT_AUDIT_LIST).toString()).toBe(
      'actor=u1&action=user.update&from=2026-12-01&offset=50',
    );
  });
});

describe('audit metadata', () => {
  it('pretty-prints objects and JSON strings; empty is a dash', () => {
    expect(prettyMetadata({ changed: ['name'] })).toBe('{\n  "changed": [\n    "name"\n  ]\n}');
    expect(prettyMetadata('{"sessions":2}')).toBe('{\n  "sessions": 2\n}');
    expect(prettyMetadata({})).toBe('—');
    expect(prettyMetadata(null)).toBe('—');
    expect(prettyMetadata('not json')).toBe('not json');
  });
  it('summarises changes in one line', () => {
    expect(metadataSummary({ changes: { group: { from: 'TENANT_USER', to: 'TENANT_ADMIN' } } })).toBe(
      'group: TENANT_USER → TENANT_ADMIN',
    );
    expect(metadataSummary({ before: { status: 'active' }, after: { status: 'disabled' } })).toBe(
      'status: active → disabled',
    );
    expect(metadataSummary({ changed: ['name', 'group'] })).toBe('changed: name, group');
    expect(metadataSummary({ sessions: 2 })).toBe('sessions: 2');
    expect(metadataSummary({ note: 'x'.repeat(200) }, 20)).toHaveLength(20);
    expect(metadataSummary(null)).toBe('');
  });
});

describe('userQuota', () => {
  it('reads "N of max_users" from /tenant/me', () => {
    expect(userQuota({ limits: { max_users: 5 }, usage: { active_users: 3 } })).toEqual({
      active: 3,
      max: 5,
      full: false,
    });
    expect(userQuota({ limits: { max_users: 3 }, usage: { active_users: 3 } })).toEqual({
      active: 3,
      max: 3,
      full: true,
    });
    expect(userQuota({ limits: { max_users: null }, usage: { active_users: 7 } })).toEqual({
      active: 7,
      max: null,
      full: false,
    });
    expect(userQuota({ limits: {} })).toBeNull();
    expect(userQuota(undefined)).toBeNull();
  });
});

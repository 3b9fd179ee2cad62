// Pure rules of the account pages (issue #16): the server's password rules checked before
// sending, what a reset link's refusal means, a device name from a user agent, the URL
// state of the users and audit lists, and how an audit row's metadata is shown.

import type { Query } from '../api/client';
import { isApiError } from '../api/client';
import type { MessageKey } from '../i18n/translate';

// ---------------------------------------------------------------- groups

export const USER_GROUPS = ['INTERNAL_ADMIN', 'INTERNAL_SUPPORT', 'TENANT_ADMIN', 'TENANT_USER'] as const;
export const TENANT_GROUPS = ['TENANT_ADMIN', 'TENANT_USER'] as const;
export const INTERNAL_GROUPS = ['INTERNAL_ADMIN', 'INTERNAL_SUPPORT'] as const;
export type UserGroup = (typeof USER_GROUPS)[number];

export const isTenantGroup = (g: string | null | undefined) => g === 'TENANT_ADMIN' || g === 'TENANT_USER';

/** A group change stays within its kind (internal ↔ internal, tenant ↔ tenant): the server refuses the rest with 422. */
export function groupsReachableFrom(group: string): readonly string[] {
  return isTenantGroup(group) ? TENANT_GROUPS : INTERNAL_GROUPS;
}

// ---------------------------------------------------------------- passwords

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** Characters as the server counts them (code points, not UTF-16 units). */
export const charCount = (s: string) => [...s].length;

/**
 * The rules the browser can check (src/auth/password_policy.hpp): 10–128 characters, not
 * the e-mail, both copies equal. The common-password list is the server's: its 422 detail
 * is shown as it comes.
 */
export function passwordProblem(password: string, repeat: string, email?: string | null): MessageKey | null {
  if (!password) return 'password.required';
  const n = charCount(password);
  if (n < PASSWORD_MIN) return 'password.tooShort';
  if (n > PASSWORD_MAX) return 'password.tooLong';
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) return 'password.isEmail';
  if (password !== repeat) return 'password.mismatch';
  return null;
}

/** What a refused POST /auth/password/reset means to the person holding the link. */
export type ResetOutcome = { kind: 'link' } | { kind: 'rule'; detail: string } | { kind: 'other' };

export function resetOutcome(err: unknown): ResetOutcome {
  if (isApiError(err) && err.status === 400) return { kind: 'link' };
  if (isApiError(err) && err.status === 422)
    return { kind: 'rule', detail: err.problem?.detail || err.problem?.title || '' };
  return { kind: 'other' };
}

/** The link's token from the page's query string (base64url; anything else is not a link of ours). */
export function tokenFromSearch(search: string): string | null {
  const t = new URLSearchParams(search).get('token');
  return t && /^[A-Za-z0-9_-]{16,256}$/.test(t) ? t : null;
}

// ---------------------------------------------------------------- devices

/** "Chrome 131 · Windows", "Firefox 133 · Linux", "Safari 18 · iPhone", "curl 8.5"; null when unknown. */
export function deviceFromUserAgent(ua: string | null | undefined): string | null {
  if (!ua || !ua.trim()) return null;
  const s = ua.trim();
  const ver = (re: RegExp) => {
    const m = re.exec(s);
    return m ? m[1].split('.')[0] : '';
  };
  let browser = '';
  if (/Edg(e|A|iOS)?\//.test(s)) browser = `Edge ${ver(/Edg(?:e|A|iOS)?\/([\d.]+)/)}`;
  else if (/OPR\//.test(s)) browser = `Opera ${ver(/OPR\/([\d.]+)/)}`;
  else if (/Firefox\/|FxiOS\//.test(s)) browser = `Firefox ${ver(/(?:Firefox|FxiOS)\/([\d.]+)/)}`;
  else if (/Chrome\/|CriOS\//.test(s))
    browser = `${/HeadlessChrome/.test(s) ? 'Chrome (headless)' : 'Chrome'} ${ver(/(?:Chrome|CriOS)\/([\d.]+)/)}`;
  else if (/Safari\//.test(s) && /Version\//.test(s)) browser = `Safari ${ver(/Version\/([\d.]+)/)}`;
  else {
    const m =
      /^(curl|Wget|python-requests|Python-urllib|okhttp|PostmanRuntime|node-fetch|undici|Go-http-client)\/([\d.]+)/i.exec(
        s,
      );
    if (m) return `${m[1]} ${m[2]}`;
  }
  let os = '';
  if (/iPhone/.test(s)) os = 'iPhone';
  else if (/iPad/.test(s)) os = 'iPad';
  else if (/Android/.test(s)) os = 'Android';
  else if (/Windows/.test(s)) os = 'Windows';
  else if (/Mac OS X|Macintosh/.test(s)) os = 'macOS';
  else if (/CrOS/.test(s)) os = 'ChromeOS';
  else if (/Linux/.test(s)) os = 'Linux';
  const out = [browser.trim(), os].filter(Boolean).join(' · ');
  return out || s.slice(0, 60);
}

// ---------------------------------------------------------------- list state in the URL

const intIn = (v: string | null, min: number, max: number, fallback: number) => {
  if (v === null || !/^\d+$/.test(v)) return fallback;
  const n = Number(v);
  return n >= min && n <= max ? n : fallback;
};

export const USER_STATUSES = ['all', 'active', 'disabled'] as const;

export interface UserListState {
  search: string;
  group: string;
  tenant_id: string;
  status: (typeof USER_STATUSES)[number];
  limit: number;
  offset: number;
}

export const DEFAULT_USER_LIST: UserListState = {
  search: '',
  group: '',
  tenant_id: '',
  status: 'all',
  limit: 25,
  offset: 0,
};

export function parseUserListState(p: URLSearchParams): UserListState {
  const group = p.get('group') ?? '';
  const status = p.get('status') ?? '';
  return {
    search: (p.get('search') ?? '').slice(0, 200),
    group: (USER_GROUPS as readonly string[]).includes(group) ? group : '',
    tenant_id: /^[0-9a-fA-F-]{1,64}$/.test(p.get('tenant_id') ?? '') ? (p.get('tenant_id') as string) : '',
    status: (USER_STATUSES as readonly string[]).includes(status) ? (status as UserListState['status']) : 'all',
    limit: intIn(p.get('limit'), 1, 200, DEFAULT_USER_LIST.limit),
    offset: intIn(p.get('offset'), 0, Number.MAX_SAFE_INTEGER, 0),
  };
}

export interface AuditListState {
  actor: string;
  tenant_id: string;
  action: string;
  from: string;
  to: string;
  limit: number;
  offset: number;
}

export const DEFAULT_AUDIT_LIST: AuditListState = {
  actor: '',
  tenant_id: '',
  action: '',
  from: '',
  to: '',
  limit: 50,
  offset: 0,
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseAuditListState(p: URLSearchParams): AuditListState {
  const day = (k: string) => (DAY.test(p.get(k) ?? '') ? (p.get(k) as string) : '');
  return {
    actor: (p.get('actor') ?? '').slice(0, 100),
    tenant_id: /^[0-9a-fA-F-]{1,64}$/.test(p.get('tenant_id') ?? '') ? (p.get('tenant_id') as string) : '',
    action: (p.get('action') ?? '').slice(0, 64),
    from: day('from'),
    to: day('to'),
    limit: intIn(p.get('limit'), 1, 200, DEFAULT_AUDIT_LIST.limit),
    offset: intIn(p.get('offset'), 0, Number.MAX_SAFE_INTEGER, 0),
  };
}

/** Only values that differ from the defaults, in the order of the defaults' keys. */
export function listSearchParams<S extends object>(state: S, defaults: S): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of Object.keys(defaults) as (keyof S)[]) {
    const v = state[k];
    if (v === defaults[k] || v === '' || v === undefined || v === null) continue;
    p.set(String(k), String(v));
  }
  return p;
}

/** A change other than paging goes back to the first page. */
export function patchList<S extends { offset: number }>(state: S, patch: Partial<S>): S {
  const next = { ...state, ...patch };
  if (!Object.keys(patch).every((k) => k === 'offset')) next.offset = 0;
  return next;
}

/** GET /internal/users and /tenant/users: status always explicit, empty filters left out. */
export function userApiQuery(s: UserListState, scope: 'internal' | 'tenant'): Query {
  return {
    search: s.search.trim() || undefined,
    group: s.group || undefined,
    tenant_id: scope === 'internal' ? s.tenant_id || undefined : undefined,
    status: s.status,
    limit: s.limit,
    offset: s.offset,
  };
}

export function auditApiQuery(s: AuditListState): Query {
  return {
    actor: s.actor.trim() || undefined,
    tenant_id: s.tenant_id || undefined,
    action: s.action.trim() || undefined,
    from: s.from || undefined,
    to: s.to || undefined,
    limit: s.limit,
    offset: s.offset,
  };
}

// ---------------------------------------------------------------- audit rows

/** Metadata as indented JSON (a string that holds JSON is unpacked first); "—" when empty. */
export function prettyMetadata(m: unknown): string {
  let v = m;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return v as string;
    }
  }
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object' && Object.keys(v as object).length === 0) return '—';
  return JSON.stringify(v, null, 2);
}

/** One line for the table: "group: TENANT_USER → TENANT_ADMIN", "changed: name", "sessions: 2". */
export function metadataSummary(m: unknown, max = 80): string {
  let v = m;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return (v as string).slice(0, max);
    }
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return v === null || v === undefined ? '' : JSON.stringify(v).slice(0, max);
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  const before = o.before as Record<string, unknown> | undefined;
  const after = o.after as Record<string, unknown> | undefined;
  if (before && after && typeof before === 'object' && typeof after === 'object') {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)]))
      parts.push(`${k}: ${short(before[k])} → ${short(after[k])}`);
  }
  const changes = o.changes as Record<string, unknown> | undefined;
  if (changes && typeof changes === 'object' && !Array.isArray(changes)) {
    for (const [k, c] of Object.entries(changes)) {
      const fc = c as { from?: unknown; to?: unknown } | null;
      parts.push(
        fc && typeof fc === 'object' && ('from' in fc || 'to' in fc)
          ? `${k}: ${short(fc.from)} → ${short(fc.to)}`
          : `${k}: ${short(c)}`,
      );
    }
  }
  for (const [k, val] of Object.entries(o)) {
    if (
      k === 'before' ||
      k === 'after' ||
      (k === 'changes' && changes && typeof changes === 'object' && !Array.isArray(changes))
    )
      continue;
    parts.push(`${k}: ${Array.isArray(val) ? val.map(short).join(', ') : short(val)}`);
  }
  const s = parts.join('; ');
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function short(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The audit actions of this issue and before, for the action filter's suggestions. */
export const AUDIT_ACTIONS = [
  'user.create',
  'user.update',
  'user.invite.issue',
  'user.password_reset.issue',
  'user.password_reset.use',
  'user.password_change',
  'session.end',
  'user.export',
  'user.erase',
  'tenant.create',
  'tenant.update',
  'contract.set',
  'contract.end',
  'agent.create',
  'agent.update',
  'agent.retire',
  'integration.create',
  'integration.update',
  'integration.delete',
  'incident.create',
  'incident.update',
  'support.open',
  'support.reply',
  'support.status',
  'command.create',
  'command.approve',
  'command.reject',
  'command.cancel',
] as const;

// ---------------------------------------------------------------- tenant user quota

/** "N de max_users" from GET /tenant/me; max null = no limit; null when /tenant/me says nothing. */
export function userQuota(
  me: { limits?: { max_users?: number | null }; usage?: { active_users?: number } } | undefined | null,
): { active: number; max: number | null; full: boolean } | null {
  if (!me || !me.usage || typeof me.usage.active_users !== 'number') return null;
  const active = me.usage.active_users;
  const m = me.limits?.max_users;
  const max = typeof m === 'number' && m >= 0 ? m : null;
  return { active, max, full: max !== null && active >= max };
}

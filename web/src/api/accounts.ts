// Accounts and sessions (issue #16): users (staff /internal/users, tenant admins
// /tenant/users), the caller's own password and sessions (/auth/*), the public reset link,
// and the audit log. Writes drop the cached reads they change.

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './index';
import type { Query } from './client';
import { invalidatePaths } from './admin';

const enc = encodeURIComponent;

export interface AccountUser {
  id: string;
  email: string;
  name: string;
  group: string;
  tenant_id: string | null;
  tenant_name?: string | null;
  status: 'active' | 'disabled' | string;
  password_set?: boolean;
  last_login_at?: string | null;
  created_at?: string;
}

export interface UserList {
  users: AccountUser[];
  total: number;
  limit?: number;
  offset?: number;
}

export interface Link {
  url: string;
  expires_at?: string;
  /** Sent when the server can mail (--smtp-url): the link was also e-mailed. */
  emailed?: boolean;
}

export interface UserCreated {
  user: AccountUser;
  invite: Link;
}

export interface Session {
  id: string;
  created_at?: string;
  last_used_at?: string | null;
  expires_at?: string;
  ip?: string | null;
  user_agent?: string | null;
  current?: boolean;
}

export interface AuditEvent {
  id: string;
  created_at: string;
  actor?: string | null;
  role?: string | null;
  action: string;
  tenant_id?: string | null;
  target?: string | null;
  request_id?: string | null;
  ip?: string | null;
  metadata?: unknown;
}

export interface AuditList {
  events: AuditEvent[];
  total: number;
  limit?: number;
  offset?: number;
}

export interface AuditVerify {
  ok: boolean;
  checked: number;
  first_bad_id: string | null;
  problem?: string | null;
}

/** Which side of the API a users page talks to. */
export type UserScope = 'internal' | 'tenant';
export const usersBase = (scope: UserScope) => (scope === 'internal' ? '/internal/users' : '/tenant/users');

const userPaths = () => ['/internal/users', '/tenant/users', '/tenant/me', '/internal/tenants', '/internal/audit'];

// ---------------------------------------------------------------- users

export const useUsers = (scope: UserScope, query: Query, enabled = true) =>
  useQuery<UserList>({
    queryKey: [usersBase(scope), query],
    queryFn: ({ signal }) => api.get<UserList>(usersBase(scope), query, signal),
    placeholderData: keepPreviousData,
    enabled,
  });

export interface UserBody {
  email?: string;
  name?: string;
  group?: string;
  tenant_id?: string;
  status?: 'active' | 'disabled';
}

function useUserWrite<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => invalidatePaths(qc, ...userPaths()) });
}

export const useInviteUser = (scope: UserScope) =>
  useUserWrite((b: UserBody) => api.write<UserCreated>('POST', usersBase(scope), b));

export const useUpdateUser = (scope: UserScope) =>
  useUserWrite(async ({ id, body }: { id: string; body: UserBody }) => {
    const path = `${usersBase(scope)}/${enc(id)}`;
    // The list has no per-user ETag: read the user first so If-Match carries the current one
    // (a row action acts on what the row shows; the read keeps a stale tag from an earlier
    // write out of it).
    await api.get<AccountUser>(path).catch(() => undefined);
    return api.write<AccountUser>('PATCH', path, body);
  });

export const useResetLink = (scope: UserScope) =>
  useUserWrite((id: string) => api.post<Link>(`${usersBase(scope)}/${enc(id)}/password-reset`));

/** DELETE /internal/users/{id}/sessions (staff only). */
export const useEndUserSessions = () =>
  useUserWrite((id: string) => api.write<void>('DELETE', `/internal/users/${enc(id)}/sessions`));

// ---------------------------------------------------------------- own account

export const useMySessions = () =>
  useQuery<{ sessions: Session[] }>({
    queryKey: ['/auth/sessions', {}],
    queryFn: ({ signal }) => api.get<{ sessions: Session[] }>('/auth/sessions', undefined, signal),
  });

function useSessionWrite<V>(fn: (v: V) => Promise<void>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => invalidatePaths(qc, '/auth/sessions') });
}

export const useEndSession = () =>
  useSessionWrite((id: string) => api.write<void>('DELETE', `/auth/sessions/${enc(id)}`));
export const useEndOtherSessions = () => useSessionWrite((_: void) => api.write<void>('DELETE', '/auth/sessions'));
export const useChangePassword = () =>
  useSessionWrite((b: { current_password: string; new_password: string }) => api.post<void>('/auth/password', b));

/** POST /auth/password/reset: public, no token sent (and none refreshed). */
export const resetPassword = (token: string, newPassword: string) =>
  api.request<void>('/auth/password/reset', {
    method: 'POST',
    body: { token, new_password: newPassword },
    auth: false,
  });

// ---------------------------------------------------------------- audit

export const useAudit = (query: Query) =>
  useQuery<AuditList>({
    queryKey: ['/internal/audit', query],
    queryFn: ({ signal }) => api.get<AuditList>('/internal/audit', query, signal),
    placeholderData: keepPreviousData,
  });

export const useVerifyAudit = () => useMutation({ mutationFn: () => api.get<AuditVerify>('/internal/audit/verify') });

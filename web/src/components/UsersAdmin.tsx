// The users list with its writes, shared by the staff page (/app/company/users over
// /internal/users) and the tenant admin's page (/app/dashboard/users over /tenant/users):
// search and filters in the URL, paging, invite (the one-time link shown once, with a copy
// button), disable / enable (confirmation naming the person), change group, new password
// link, and (staff) end sessions.

import { useEffect, useEffectEvent, useMemo, useRef, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  useEndUserSessions,
  useInviteUser,
  useResetLink,
  useUpdateUser,
  useUsers,
  type AccountUser,
  type Link as OneTimeLink,
  type UserScope,
} from '../api/accounts';
import { describeError } from '../api/errors';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import {
  DEFAULT_USER_LIST,
  groupsReachableFrom,
  isTenantGroup,
  listSearchParams,
  parseUserListState,
  patchList,
  TENANT_GROUPS,
  USER_GROUPS,
  USER_STATUSES,
  userApiQuery,
  type UserListState,
} from '../lib/accounts';
import type { Schema } from '../lib/form';
import { formatDateTime } from '../lib/format';
import { pushToast } from '../lib/toasts';
import { useDebounced } from '../lib/useDebounced';
import { FormActions, FormDialog, FormError, TextInput, useForm } from './Form';
import { TenantPicker } from './TenantPicker';
import { Badge, ConfirmDialog, Field, PagedQueryView, useModal } from './ui';
import { DataTable } from './DataTable';

// ---------------------------------------------------------------- the one-time link

async function copyText(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Not allowed here (insecure origin, permissions): fall back to selecting the text.
  }
  if (input) {
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
  return false;
}

/** Shows an invitation or reset link once: read-only field, copy button, "e-mailed". */
export function LinkDialog({
  kind,
  user,
  link,
  onClose,
}: {
  kind: 'invite' | 'reset';
  user: AccountUser;
  link: OneTimeLink;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const ref = useModal(true);
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  const who = user.name || user.email;
  return (
    <dialog
      ref={ref}
      className="dialog dialog-form"
      aria-labelledby="link-dialog-title"
      data-testid="link-dialog"
      data-kind={kind}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="link-dialog-title">{kind === 'invite' ? t('users.linkTitleInvite') : t('users.linkTitleReset')}</h2>
      <div className="dialog-body">
        <p>
          {t('users.linkIntro', { name: who, when: link.expires_at ? formatDateTime(link.expires_at, lang) : '72 h' })}
        </p>
        <label htmlFor="one-time-link" className="sr-only">
          {t('users.link')}
        </label>
        <div className="link-box">
          <input
            id="one-time-link"
            ref={input}
            type="text"
            readOnly
            value={link.url}
            onFocus={(e) => e.currentTarget.select()}
            data-testid="invite-link"
          />
          <button
            type="button"
            className="btn btn-primary"
            data-testid="invite-copy"
            onClick={async () => {
              const ok = await copyText(link.url, input.current);
              setCopied(ok);
              pushToast(ok ? 'success' : 'error', ok ? t('users.copied') : t('users.copyFailed'));
            }}
          >
            {copied ? '✓ ' : ''}
            {t('users.copy')}
          </button>
        </div>
        {link.emailed === true ? (
          <p className="notice notice-ok" data-testid="invite-emailed">
            {t('users.linkEmailed', { email: user.email })}
          </p>
        ) : (
          <p className="notice notice-info" data-testid="invite-not-emailed">
            {t('users.linkNotEmailed')}
          </p>
        )}
        <p className="muted small">{t('users.linkOnce')}</p>
      </div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-testid="link-close" autoFocus>
          {t('common.close')}
        </button>
      </div>
    </dialog>
  );
}

// ---------------------------------------------------------------- invite

type InviteField = 'email' | 'name' | 'group';

function InviteDialog({
  scope,
  onClose,
  onInvited,
}: {
  scope: UserScope;
  onClose: () => void;
  onInvited: (u: AccountUser, link: OneTimeLink) => void;
}) {
  const { t, te } = useI18n();
  const invite = useInviteUser(scope);
  const groups = scope === 'internal' ? USER_GROUPS : TENANT_GROUPS;
  const schema: Schema<InviteField> = {
    email: { kind: 'text', required: true, max: 254 },
    name: { kind: 'text', required: true, max: 480 }, // the server counts 120 characters; this counts bytes (up to 4 each)
    group: { kind: 'enum', required: true, values: groups },
  };
  const form = useForm<InviteField>(schema, { email: '', name: '', group: 'TENANT_USER' });
  const [tenantId, setTenantId] = useState('');
  const [tenantError, setTenantError] = useState<string | null>(null);
  const needsTenant = scope === 'internal' && isTenantGroup(form.values.group);

  const submit = form.submit(async (v) => {
    if (needsTenant && !tenantId) {
      setTenantError(t('users.chooseTenant'));
      return;
    }
    setTenantError(null);
    const body = {
      email: v.email.trim(),
      name: v.name.trim(),
      group: v.group,
      ...(needsTenant ? { tenant_id: tenantId } : {}),
    };
    const r = await invite.mutateAsync(body);
    onInvited(r.user, r.invite);
  });

  return (
    <FormDialog open title={t('users.inviteTitle')} onClose={onClose} testId="invite-dialog">
      <form onSubmit={submit} noValidate data-testid="invite-form">
        <p className="muted small">{t('users.inviteHint')}</p>
        <FormError form={form} />
        <TextInput form={form} name="email" label={t('users.email')} testId="invite-form-email" type="email" required />
        <TextInput form={form} name="name" label={t('users.name')} testId="invite-form-name" required />
        <TextInput form={form} name="group" label={t('users.group')} testId="invite-form-group" required>
          {groups.map((g) => (
            <option key={g} value={g}>
              {te('role', g)}
            </option>
          ))}
        </TextInput>
        {needsTenant ? (
          <>
            <TenantPicker
              id="invite-tenant"
              label={t('common.tenant')}
              value={tenantId}
              onChange={(id) => {
                setTenantId(id);
                setTenantError(null);
              }}
              testId="invite-form-tenant"
            />
            {tenantError ? (
              <div className="field-error" role="alert" data-testid="invite-tenant-error">
                {tenantError}
              </div>
            ) : null}
          </>
        ) : null}
        <FormActions form={form} onCancel={onClose} submitLabel={t('users.inviteSubmit')} testId="invite-form" />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------- change group

function GroupDialog({ scope, user, onClose }: { scope: UserScope; user: AccountUser; onClose: () => void }) {
  const { t, te } = useI18n();
  const update = useUpdateUser(scope);
  const options = groupsReachableFrom(user.group);
  const form = useForm<'group'>({ group: { kind: 'enum', required: true, values: options } }, { group: user.group });
  const who = user.name || user.email;
  const submit = form.submit(async (v) => {
    if (v.group !== user.group) {
      await update.mutateAsync({ id: user.id, body: { group: v.group } });
      pushToast('success', t('users.groupChanged', { name: who }));
    }
    onClose();
  });
  return (
    <FormDialog open title={t('users.groupTitle', { name: who })} onClose={onClose} testId="group-dialog">
      <form onSubmit={submit} noValidate>
        <FormError form={form} />
        <TextInput
          form={form}
          name="group"
          label={t('users.group')}
          testId="group-select"
          required
          hint={t('users.groupHint', { name: who })}
        >
          {options.map((g) => (
            <option key={g} value={g}>
              {te('role', g)}
            </option>
          ))}
        </TextInput>
        <FormActions form={form} onCancel={onClose} submitLabel={t('form.save')} testId="group-form" />
      </form>
    </FormDialog>
  );
}

// ---------------------------------------------------------------- the page body

type Pending =
  | { kind: 'status'; user: AccountUser; to: 'active' | 'disabled' }
  | { kind: 'reset'; user: AccountUser }
  | { kind: 'sessions'; user: AccountUser };

export function UsersAdmin({ scope, canWrite, header }: { scope: UserScope; canWrite: boolean; header?: ReactNode }) {
  const { t, te, lang } = useI18n();
  const { user: me } = useAuth();
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseUserListState(params), [params]);
  const setState = (next: UserListState) => setParams(listSearchParams(next, DEFAULT_USER_LIST));
  const patch = (p: Partial<UserListState>) => setState(patchList(state, p));

  // Typing is local; the URL (and the request) follow after a pause.
  const [search, setSearch] = useState(state.search);
  const dSearch = useDebounced(search);
  const lastUrl = useRef(state.search);
  useEffect(() => {
    if (state.search !== lastUrl.current) setSearch(state.search);
    lastUrl.current = state.search;
  }, [state.search]);
  // Written when the typed text settles, with the latest URL state.
  const settle = useEffectEvent((search: string) => {
    if (search !== state.search) {
      lastUrl.current = search;
      patch({ search });
    }
  });
  useEffect(() => settle(dSearch), [dSearch]);

  const q = useUsers(scope, userApiQuery(state, scope));
  const update = useUpdateUser(scope);
  const resetLink = useResetLink(scope);
  const endSessions = useEndUserSessions();
  const [inviting, setInviting] = useState(false);
  const [shown, setShown] = useState<{ kind: 'invite' | 'reset'; user: AccountUser; link: OneTimeLink } | null>(null);
  const [grouping, setGrouping] = useState<AccountUser | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const groups = scope === 'internal' ? USER_GROUPS : TENANT_GROUPS;
  const whoOf = (u: AccountUser) => u.name || u.email;

  async function confirmPending() {
    const p = pending;
    setPending(null);
    if (!p) return;
    const who = whoOf(p.user);
    try {
      if (p.kind === 'status') {
        await update.mutateAsync({ id: p.user.id, body: { status: p.to } });
        pushToast(
          'success',
          p.to === 'disabled' ? t('users.disabled', { name: who }) : t('users.enabled', { name: who }),
        );
      } else if (p.kind === 'reset') {
        const link = await resetLink.mutateAsync(p.user.id);
        setShown({ kind: 'reset', user: p.user, link });
      } else {
        await endSessions.mutateAsync(p.user.id);
        pushToast('success', t('users.sessionsEnded', { name: who }));
      }
    } catch (e) {
      pushToast('error', describeError(e, t));
    }
  }

  const confirmText = (p: Pending): { title: string; body: string; ok: string; danger: boolean } => {
    const name = whoOf(p.user);
    const email = p.user.email;
    if (p.kind === 'status')
      return p.to === 'disabled'
        ? {
            title: t('users.disableTitle', { name }),
            body: t('users.disableBody', { name, email }),
            ok: t('users.disable'),
            danger: true,
          }
        : {
            title: t('users.enableTitle', { name }),
            body: t('users.enableBody', { name, email }),
            ok: t('users.enable'),
            danger: false,
          };
    if (p.kind === 'reset')
      return {
        title: t('users.resetTitle', { name }),
        body: t('users.resetBody', { name }),
        ok: t('users.resetSubmit'),
        danger: false,
      };
    return {
      title: t('users.endSessionsTitle', { name }),
      body: t('users.endSessionsBody', { name }),
      ok: t('users.endSessions'),
      danger: true,
    };
  };
  const ct = pending ? confirmText(pending) : null;

  return (
    <>
      <div className="page-actions-row">
        {header}
        {canWrite ? (
          <button type="button" className="btn btn-primary" onClick={() => setInviting(true)} data-testid="user-invite">
            {t('users.invite')}
          </button>
        ) : (
          <p className="notice notice-info small" data-testid="users-readonly">
            {t('users.readOnly')}
          </p>
        )}
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()} aria-label={t('users.filters')}>
        <Field id="users-search" label={t('users.search')}>
          <input
            id="users-search"
            type="search"
            value={search}
            placeholder={t('users.searchPlaceholder')}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="users-search"
            autoComplete="off"
          />
        </Field>
        <Field id="users-group" label={t('users.group')}>
          <select
            id="users-group"
            value={state.group}
            onChange={(e) => patch({ group: e.target.value })}
            data-testid="users-group-filter"
          >
            <option value="">{t('filter.all')}</option>
            {groups.map((g) => (
              <option key={g} value={g}>
                {te('role', g)}
              </option>
            ))}
          </select>
        </Field>
        {scope === 'internal' ? (
          <TenantPicker
            id="users-tenant"
            label={t('common.tenant')}
            value={state.tenant_id}
            onChange={(id) => patch({ tenant_id: id })}
            allowEmpty
            emptyLabel={t('filter.all')}
            testId="users-tenant-filter"
          />
        ) : null}
        <Field id="users-status" label={t('common.status')}>
          <select
            id="users-status"
            value={state.status}
            onChange={(e) => patch({ status: e.target.value as UserListState['status'] })}
            data-testid="users-status-filter"
          >
            {USER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? t('filter.all') : te('status', s)}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <PagedQueryView
        query={q}
        isEmpty={(d) => d.users.length === 0}
        emptyText={t('users.none')}
        limit={state.limit}
        offset={state.offset}
        onOffset={(o) => patch({ offset: o })}
      >
        {(d) => (
          <DataTable
            label={t('users.title')}
            testId="users-table"
            rows={d.users}
            rowKey={(u) => u.id}
            rowAttributes={(u) => ({
              'data-testid': 'user-row',
              'data-user-id': u.id,
              'data-status': u.status,
              'data-email': u.email,
              'data-group': u.group,
            })}
            columns={[
              {
                header: t('users.name'),
                rowHeader: true,
                cell: (u) => (
                  <>
                    {u.name || '—'}
                    {me?.id === u.id ? <span className="muted small"> ({t('users.you')})</span> : null}
                    <div className="muted small">{u.email}</div>
                  </>
                ),
              },
              { header: t('users.group'), cell: (u) => te('role', u.group) },
              scope === 'internal' && {
                header: t('common.tenant'),
                cell: (u) => u.tenant_name ?? (u.tenant_id ? u.tenant_id : '—'),
              },
              {
                header: t('common.status'),
                cell: (u) => (
                  <>
                    <Badge prefix="status" value={u.status} testId="user-status" />
                    {u.password_set === false ? (
                      <div>
                        <span className="badge badge-warn" data-testid="user-invited">
                          {t('users.invited')}
                        </span>
                      </div>
                    ) : null}
                  </>
                ),
              },
              {
                header: t('users.lastLogin'),
                className: 'nowrap',
                cell: (u) => (u.last_login_at ? formatDateTime(u.last_login_at, lang) : t('users.never')),
              },
              canWrite && {
                header: t('common.actions'),
                cell: (u) => {
                  const self = me?.id === u.id;
                  return (
                    <div className="row-actions">
                      {self ? null : u.status === 'disabled' ? (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setPending({ kind: 'status', user: u, to: 'active' })}
                          data-testid="user-enable"
                        >
                          {t('users.enable')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setPending({ kind: 'status', user: u, to: 'disabled' })}
                          data-testid="user-disable"
                        >
                          {t('users.disable')}
                        </button>
                      )}
                      {self ? null : (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setGrouping(u)}
                          data-testid="user-group"
                        >
                          {t('users.changeGroup')}
                        </button>
                      )}
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setPending({ kind: 'reset', user: u })}
                        data-testid="user-reset"
                      >
                        {t('users.resetLink')}
                      </button>
                      {scope === 'internal' && !self ? (
                        <button
                          type="button"
                          className="btn btn-small"
                          onClick={() => setPending({ kind: 'sessions', user: u })}
                          data-testid="user-end-sessions"
                        >
                          {t('users.endSessions')}
                        </button>
                      ) : null}
                    </div>
                  );
                },
              },
            ]}
          />
        )}
      </PagedQueryView>
      {inviting ? (
        <InviteDialog
          scope={scope}
          onClose={() => setInviting(false)}
          onInvited={(u, link) => {
            setInviting(false);
            setShown({ kind: 'invite', user: u, link });
          }}
        />
      ) : null}
      {shown ? (
        <LinkDialog kind={shown.kind} user={shown.user} link={shown.link} onClose={() => setShown(null)} />
      ) : null}
      {grouping ? (
        <GroupDialog key={grouping.id} scope={scope} user={grouping} onClose={() => setGrouping(null)} />
      ) : null}
      <ConfirmDialog
        open={!!pending}
        title={ct?.title ?? ''}
        confirmLabel={ct?.ok ?? ''}
        danger={ct?.danger}
        onCancel={() => setPending(null)}
        onConfirm={() => void confirmPending()}
      >
        {ct?.body}
      </ConfirmDialog>
    </>
  );
}

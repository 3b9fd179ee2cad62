// /app/account — "Minha conta", every signed-in user: change the password (POST
// /auth/password; the other sessions end) and the open sessions (GET /auth/sessions) with
// "end" per session and "end all others".

import { useState, type FormEvent } from 'react';
import { isApiError } from '../api/client';
import { useChangePassword, useEndOtherSessions, useEndSession, useMySessions, type Session } from '../api/accounts';
import { describeError } from '../api/errors';
import { useAuth } from '../auth/AuthProvider';
import { PasswordPair } from '../components/PasswordFields';
import { Badge, Card, ConfirmDialog, ErrorState, Field, Loading, Page } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { useI18n } from '../i18n/I18nProvider';
import { deviceFromUserAgent, passwordProblem } from '../lib/accounts';
import { formatDateTime } from '../lib/format';
import { pushToast } from '../lib/toasts';

function ChangePassword() {
  const { t } = useI18n();
  const { user } = useAuth();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [pw, setPw] = useState('');
  const [repeat, setRepeat] = useState('');
  const [currentError, setCurrentError] = useState<string | null>(null);
  const [pairError, setPairError] = useState<string | null>(null);
  const [topError, setTopError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setTopError(null);
    const cur = current ? null : t('password.currentRequired');
    const local = passwordProblem(pw, repeat, user?.email);
    setCurrentError(cur);
    setPairError(local ? t(local) : null);
    if (cur || local) return;
    try {
      await change.mutateAsync({ current_password: current, new_password: pw });
      setCurrent('');
      setPw('');
      setRepeat('');
      pushToast('success', t('account.changed'));
    } catch (err) {
      const detail = isApiError(err) ? err.problem?.detail || '' : '';
      if (isApiError(err) && err.status === 400 && /current_password/.test(detail)) setCurrentError(detail);
      else if (isApiError(err) && err.status === 422) setPairError(detail || describeError(err, t));
      else if (isApiError(err) && err.status === 403) setTopError(t('account.external'));
      else setTopError(describeError(err, t));
    }
  }

  return (
    <Card title={t('account.passwordTitle')} testId="account-password">
      {topError ? (
        <div className="notice notice-error" role="alert" data-testid="account-password-error">
          {topError}
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate data-testid="account-password-form">
        <Field id="account-current" label={t('password.current')} error={currentError}>
          <input
            id="account-current"
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            aria-invalid={currentError ? true : undefined}
            data-testid="account-current"
          />
        </Field>
        <PasswordPair
          idPrefix="account"
          value={pw}
          repeat={repeat}
          onValue={setPw}
          onRepeat={setRepeat}
          error={pairError}
        />
        <button
          type="submit"
          className="btn btn-primary"
          disabled={change.isPending}
          data-testid="account-password-submit"
        >
          {change.isPending ? t('form.saving') : t('account.change')}
        </button>
      </form>
    </Card>
  );
}

function Sessions() {
  const { t, lang } = useI18n();
  const q = useMySessions();
  const end = useEndSession();
  const endOthers = useEndOtherSessions();
  const [confirmOthers, setConfirmOthers] = useState(false);
  const sessions = q.data?.sessions ?? [];
  const others = sessions.filter((s) => !s.current).length;

  const endOne = (s: Session) =>
    end.mutateAsync(s.id).then(
      () => pushToast('success', t('sessions.ended')),
      (e) => pushToast('error', describeError(e, t)),
    );

  return (
    <Card
      title={t('sessions.title')}
      testId="account-sessions"
      actions={
        <button
          type="button"
          className="btn btn-small"
          disabled={others === 0 || endOthers.isPending}
          onClick={() => setConfirmOthers(true)}
          data-testid="sessions-end-others"
        >
          {t('sessions.endOthers')}
        </button>
      }
    >
      <p className="muted small">{t('sessions.hint')}</p>
      {q.data ? (
        <DataTable
          label={t('sessions.title')}
          testId="sessions-table"
          rows={sessions}
          empty={t('sessions.none')}
          rowKey={(s) => s.id}
          rowAttributes={(s) => ({
            'data-testid': 'session-row',
            'data-session-id': s.id,
            'data-current': s.current ? '1' : undefined,
          })}
          columns={[
            {
              header: t('sessions.device'),
              rowHeader: true,
              cell: (s) => (
                <>
                  {deviceFromUserAgent(s.user_agent) ?? t('sessions.unknownDevice')}
                  {s.current ? (
                    <>
                      {' '}
                      <span className="badge badge-ok" data-testid="session-current">
                        {t('sessions.thisDevice')}
                      </span>
                    </>
                  ) : null}
                </>
              ),
            },
            { header: t('sessions.ip'), className: 'nowrap', cell: (s) => s.ip || '—' },
            {
              header: t('sessions.lastUsed'),
              className: 'nowrap',
              cell: (s) => formatDateTime(s.last_used_at ?? s.created_at, lang),
            },
            { header: t('sessions.started'), className: 'nowrap', cell: (s) => formatDateTime(s.created_at, lang) },
            {
              header: t('common.actions'),
              cell: (s) =>
                s.current ? null : (
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={end.isPending}
                    onClick={() => void endOne(s)}
                    data-testid="session-end"
                  >
                    {t('sessions.end')}
                  </button>
                ),
            },
          ]}
        />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : (
        <Loading />
      )}
      <ConfirmDialog
        open={confirmOthers}
        title={t('sessions.othersTitle')}
        confirmLabel={t('sessions.endOthers')}
        danger
        onCancel={() => setConfirmOthers(false)}
        onConfirm={() => {
          setConfirmOthers(false);
          endOthers.mutateAsync().then(
            () => pushToast('success', t('sessions.othersEnded')),
            (e) => pushToast('error', describeError(e, t)),
          );
        }}
      >
        {t('sessions.othersBody')}
      </ConfirmDialog>
    </Card>
  );
}

export default function Account() {
  const { t } = useI18n();
  const { user, role } = useAuth();
  return (
    <Page testId="page-account" title={t('account.title')} subtitle={t('account.subtitle')}>
      <div className="grid-2">
        <Card title={t('account.profile')} testId="account-profile">
          <dl className="detail-list">
            <dt>{t('users.name')}</dt>
            <dd>{user?.name || '—'}</dd>
            <dt>{t('users.email')}</dt>
            <dd data-testid="account-email">{user?.email}</dd>
            <dt>{t('users.group')}</dt>
            <dd>
              <Badge prefix="role" value={role} />
            </dd>
          </dl>
        </Card>
        <ChangePassword />
      </div>
      <Sessions />
    </Page>
  );
}

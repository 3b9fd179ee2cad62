// /app/reset-password?token=… — public: the page of an invitation or password-reset link.
// New password twice (the server's rules shown up front), POST /auth/password/reset;
// 400 → the link was used or has expired; 422 → the server's rule, the link still works;
// 204 → the login page with "Senha definida…".

import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { resetPassword } from '../api/accounts';
import { describeError } from '../api/errors';
import { PasswordPair } from '../components/PasswordFields';
import { AuthCard } from '../components/AuthCard';
import { useI18n } from '../i18n/I18nProvider';
import { passwordProblem, resetOutcome, tokenFromSearch } from '../lib/accounts';

export default function ResetPasswordPage() {
  const { t } = useI18n();
  const loc = useLocation();
  const navigate = useNavigate();
  const token = tokenFromSearch(loc.search);
  const [pw, setPw] = useState('');
  const [repeat, setRepeat] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [linkDead, setLinkDead] = useState(!token);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const local = passwordProblem(pw, repeat);
    setFieldError(local ? t(local) : null);
    if (local || !token) return;
    setBusy(true);
    try {
      await resetPassword(token, pw);
      navigate('/app/login?reset=1', { replace: true });
    } catch (err) {
      const o = resetOutcome(err);
      if (o.kind === 'link') setLinkDead(true);
      else if (o.kind === 'rule') setFieldError(o.detail || t('error.unexpected'));
      else setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard testId="page-reset-password" id="reset" title={t('reset.title')}>
      {linkDead ? (
        <>
          <div className="notice notice-error" role="alert" data-testid="reset-link-invalid">
            {token ? t('reset.linkInvalid') : t('reset.noToken')}
          </div>
          <Link to="/app/login" className="btn btn-block" data-testid="reset-to-login">
            {t('reset.backToLogin')}
          </Link>
        </>
      ) : (
        <>
          <p className="muted">{t('reset.subtitle')}</p>
          {error ? (
            <div className="notice notice-error" role="alert" data-testid="reset-error">
              {error}
            </div>
          ) : null}
          <form onSubmit={onSubmit} noValidate>
            <PasswordPair
              idPrefix="reset"
              value={pw}
              repeat={repeat}
              onValue={setPw}
              onRepeat={setRepeat}
              error={fieldError}
              autoFocus
            />
            <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="reset-submit">
              {busy ? t('reset.submitting') : t('reset.submit')}
            </button>
          </form>
        </>
      )}
    </AuthCard>
  );
}

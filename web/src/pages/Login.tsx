import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { isApiError } from '../api/client';
import { describeError } from '../api/errors';
import { AuthCard } from '../components/AuthCard';
import { Field } from '../components/ui';

export default function LoginPage() {
  const { t } = useI18n();
  const { login, logout } = useAuth();
  const [params] = useSearchParams();
  const expired = params.get('expired') === '1';
  const resetDone = params.get('reset') === '1';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError(t('login.required'));
      return;
    }
    setBusy(true);
    try {
      const role = await login(email.trim(), password);
      if (!role) {
        await logout();
        setError(t('login.noRole'));
      }
      // With a role, the route guard moves on to the right area (or to ?next=).
    } catch (err) {
      if (isApiError(err) && (err.kind === 'unauthorized' || err.kind === 'invalid')) setError(t('login.invalid'));
      else setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard testId="page-login" id="login" title={t('login.title')}>
      <p className="muted">{t('login.subtitle')}</p>
      {expired && !error ? (
        <div className="notice notice-warn" role="alert" data-testid="session-expired">
          {t('error.sessionExpired')}
        </div>
      ) : null}
      {resetDone && !error ? (
        <div className="notice notice-ok" role="status" data-testid="reset-done">
          {t('login.resetDone')}
        </div>
      ) : null}
      {error ? (
        <div className="notice notice-error" role="alert" data-testid="login-error">
          {error}
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate>
        <Field id="login-email" label={t('login.email')}>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            inputMode="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
            autoFocus
            data-testid="login-email"
          />
        </Field>
        <Field id="login-password" label={t('login.password')}>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            data-testid="login-password"
          />
        </Field>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </AuthCard>
  );
}

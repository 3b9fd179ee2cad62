// The "new password twice" pair of the reset page and "Minha conta", with the server's
// rules shown up front and checked (lib/accounts.passwordProblem) before sending.

import { useI18n } from '../i18n/I18nProvider';
import { Field } from './ui';

export function PasswordPair({
  idPrefix,
  value,
  repeat,
  onValue,
  onRepeat,
  error,
  autoFocus,
}: {
  idPrefix: string;
  value: string;
  repeat: string;
  onValue: (v: string) => void;
  onRepeat: (v: string) => void;
  /** The message for the pair (local rule or the server's 422 detail). */
  error: string | null;
  autoFocus?: boolean;
}) {
  const { t } = useI18n();
  return (
    <>
      <p className="notice notice-info small" id={`${idPrefix}-rules`} data-testid={`${idPrefix}-rules`}>
        {t('password.rules')}
      </p>
      <Field id={`${idPrefix}-new`} label={t('password.new')}>
        <input
          id={`${idPrefix}-new`}
          type="password"
          autoComplete="new-password"
          value={value}
          onChange={(e) => onValue(e.target.value)}
          aria-describedby={`${idPrefix}-rules`}
          aria-invalid={error ? true : undefined}
          maxLength={512}
          autoFocus={autoFocus}
          data-testid={`${idPrefix}-new`}
        />
      </Field>
      <Field id={`${idPrefix}-repeat`} label={t('password.repeat')} error={error}>
        <input
          id={`${idPrefix}-repeat`}
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => onRepeat(e.target.value)}
          aria-invalid={error ? true : undefined}
          maxLength={512}
          data-testid={`${idPrefix}-repeat`}
        />
      </Field>
    </>
  );
}

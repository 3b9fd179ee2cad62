import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { describeError } from '../api/errors';
import { isApiError } from '../api/client';
import type { Lang } from '../i18n/translate';
import { LANGS } from '../i18n/translate';
import { pageInfo } from '../lib/tenantsQuery';
import { COMMAND_STATUS_TONES } from '../lib/commands';

export function Page({
  testId,
  title,
  actions,
  children,
  subtitle,
}: {
  testId: string;
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Painel`;
  }, [title]);
  return (
    <section className="page" data-testid={testId} aria-labelledby={`${testId}-title`}>
      <header className="page-header">
        <div>
          <h1 id={`${testId}-title`}>{title}</h1>
          {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

export function Card({
  title,
  children,
  className,
  testId,
  actions,
}: {
  title?: string;
  children: ReactNode;
  className?: string;
  testId?: string;
  actions?: ReactNode;
}) {
  return (
    <section className={`card ${className ?? ''}`} data-testid={testId}>
      {title || actions ? (
        <header className="card-header">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </header>
      ) : null}
      {children}
    </section>
  );
}

export function Kpi({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId: string;
}) {
  return (
    <div className="kpi" data-testid={testId}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {hint ? <div className="kpi-hint">{hint}</div> : null}
    </div>
  );
}

export function KpiGrid({ children }: { children: ReactNode }) {
  return <div className="kpi-grid">{children}</div>;
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state state-loading" role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="state state-empty" data-testid="empty">
      {children ?? t('common.empty')}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (isApiError(error) && error.kind === 'session_expired') return <Loading />;
  return (
    <div className="state state-error" role="alert" data-testid="error-state">
      <p>{describeError(error, t)}</p>
      {isApiError(error) && error.requestId ? (
        <p className="muted small">
          {t('error.requestId')}: <code>{error.requestId}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

/** Renders loading / error / content for one query. */
export function QueryView<T>({
  query,
  children,
  empty,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  children: (data: T) => ReactNode;
  empty?: (data: T) => boolean;
}) {
  if (query.data !== undefined) {
    if (empty && empty(query.data)) return <Empty />;
    return <>{children(query.data)}</>;
  }
  if (query.error) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  return <Loading />;
}

const TONES: Record<string, string> = {
  active: 'ok',
  healthy: 'ok',
  resolved: 'ok',
  connected: 'ok',
  trial: 'info',
  info: 'info',
  low: 'info',
  idle: 'muted',
  suspended: 'bad',
  error: 'bad',
  critical: 'bad',
  high: 'bad',
  failed: 'bad',
  degraded: 'warn',
  warning: 'warn',
  medium: 'warn',
  open: 'warn',
  pending: 'warn',
  inactive: 'muted',
  disconnected: 'muted',
  // Command statuses (lib/commands): AWAITING_APPROVAL is the only amber one among them.
  ...COMMAND_STATUS_TONES,
};

export function Badge({
  value,
  prefix,
  testId,
}: {
  value: string | null | undefined;
  prefix: string;
  testId?: string;
}) {
  const { te } = useI18n();
  const v = value ?? '';
  return (
    <span className={`badge badge-${TONES[v] ?? 'muted'}`} data-testid={testId} data-value={v}>
      {te(prefix, v)}
    </span>
  );
}

export function Pagination({
  total,
  limit,
  offset,
  onOffset,
}: {
  total: number;
  limit: number;
  offset: number;
  onOffset: (o: number) => void;
}) {
  const { t, lang } = useI18n();
  const p = pageInfo(total, limit, offset);
  const fmt = (n: number) => n.toLocaleString(lang === 'en' ? 'en-US' : 'pt-BR');
  return (
    <nav className="pagination" aria-label={t('pagination.label')} data-testid="pagination">
      <span data-testid="pagination-range">
        {t('pagination.range', { from: fmt(p.from), to: fmt(p.to), total: fmt(total) })}
      </span>
      <div className="pagination-buttons">
        <button
          type="button"
          className="btn"
          disabled={!p.hasPrev}
          onClick={() => onOffset(p.prevOffset)}
          data-testid="page-prev"
        >
          {t('pagination.prev')}
        </button>
        <span aria-live="polite">{t('pagination.page', { page: p.page, pages: p.pages })}</span>
        <button
          type="button"
          className="btn"
          disabled={!p.hasNext}
          onClick={() => onOffset(p.nextOffset)}
          data-testid="page-next"
        >
          {t('pagination.next')}
        </button>
      </div>
    </nav>
  );
}

/** Opens and closes a native <dialog> as a modal with `open`. */
export function useModal(open: boolean) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    }
    if (!open && d.open) d.close();
  }, [open]);
  return ref;
}

/** A paged list query: loading, error, "nothing" text, or the rows and the pager. */
export function PagedQueryView<T extends { total: number }>({
  query,
  isEmpty,
  emptyText,
  limit,
  offset,
  onOffset,
  children,
}: {
  query: { data: T | undefined; error: unknown; isFetching?: boolean; refetch: () => unknown };
  isEmpty: (d: T) => boolean;
  emptyText: string;
  limit: number;
  offset: number;
  onOffset: (o: number) => void;
  children: (d: T) => ReactNode;
}) {
  if (query.data) {
    return (
      <div aria-busy={query.isFetching}>
        {isEmpty(query.data) ? <Empty>{emptyText}</Empty> : children(query.data)}
        <Pagination total={query.data.total} limit={limit} offset={offset} onOffset={onOffset} />
      </div>
    );
  }
  if (query.error) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  return <Loading />;
}

/** A modal confirmation on the native <dialog> (focus trap and Esc come with it). */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  danger,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
}) {
  const ref = useModal(open);
  const { t } = useI18n();
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      data-testid="confirm-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel} data-testid="confirm-cancel" autoFocus>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
          onClick={onConfirm}
          data-testid="confirm-ok"
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export function LanguageSwitch({ id = 'lang' }: { id?: string }) {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="sr-only">
        {t('lang.label')}
      </label>
      <select id={id} value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="language-switch">
        {LANGS.map((l) => (
          <option key={l} value={l}>
            {t(`lang.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Field({
  id,
  label,
  children,
  hint,
  error,
}: {
  id: string;
  label: string;
  children: ReactNode;
  hint?: string;
  error?: string | null;
}) {
  return (
    <div className={`field ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <div className="field-hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function TableWrap({ children, label, testId }: { children: ReactNode; label: string; testId?: string }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0} data-testid={testId}>
      {children}
    </div>
  );
}

// One support request's thread (messages from both sides) with a reply box; shared by the
// customer's Suporte page and the staff queue.

import { useState, type ReactNode } from 'react';
import { threadRequest } from '../api/admin';
import type { SupportThread as Thread } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import { LIMITS } from '../lib/admin';
import { formatDateTime } from '../lib/format';
import { FormError, TextInput, useForm } from './Form';
import { Badge, ErrorState, Loading } from './ui';

export function SupportThreadView({
  query,
  onReply,
  actions,
  canReply = true,
}: {
  query: { data: Thread | undefined; error: unknown; refetch: () => unknown };
  onReply: (requestId: string, body: string) => Promise<unknown>;
  actions?: (status: string) => ReactNode;
  canReply?: boolean;
}) {
  const { t, lang } = useI18n();
  const form = useForm<'body'>({ body: { kind: 'text', required: true, max: LIMITS.body, lines: true } }, { body: '' });
  const [sent, setSent] = useState(0);
  if (query.error && !query.data) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (!query.data) return <Loading />;
  const r = threadRequest(query.data);
  const submit = form.submit(async (v) => {
    await onReply(r.id, v.body.trim());
    form.reset({ body: '' });
    setSent((n) => n + 1);
  });
  return (
    <div data-testid="support-thread" data-request-id={r.id} data-status={r.status}>
      <div className="incident-head">
        <strong>{r.subject}</strong>
        <Badge prefix="supportCategory" value={r.category} />
        <Badge prefix="status" value={r.status} testId="support-thread-status" />
      </div>
      <p className="muted small">
        {r.tenant_name ? `${r.tenant_name} · ` : ''}
        {t('support.openedAt', { when: formatDateTime(r.created_at, lang) })}
        {r.opened_by_name ? ` · ${r.opened_by_name}` : ''}
      </p>
      <ol className="thread" data-testid="support-messages" key={sent}>
        {(r.messages ?? []).map((m) => {
          const side = m.side;
          return (
            <li key={m.id} className={`side-${side}`} data-testid="support-message" data-side={side}>
              <div className="meta">
                {m.author_name ?? (side === 'staff' ? t('support.sideStaff') : t('support.sideTenant'))} ·{' '}
                {formatDateTime(m.created_at, lang)}
              </div>
              {m.body}
            </li>
          );
        })}
      </ol>
      {actions ? (
        <div className="row-actions" style={{ margin: '12px 0' }}>
          {actions(r.status)}
        </div>
      ) : null}
      {canReply && r.status !== 'closed' ? (
        <form onSubmit={submit} noValidate data-testid="support-reply-form">
          <FormError form={form} />
          <TextInput
            form={form}
            name="body"
            label={t('support.replyLabel')}
            testId="support-reply-body"
            multiline
            required
          />
          <button type="submit" className="btn btn-primary" disabled={form.busy} data-testid="support-reply-submit">
            {form.busy ? t('form.saving') : t('support.reply')}
          </button>
        </form>
      ) : null}
    </div>
  );
}

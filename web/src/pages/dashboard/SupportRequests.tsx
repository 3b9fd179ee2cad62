// The customer's support requests on the Suporte page: the request form (subject,
// category, description), the history with each request's thread, and replies.

import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  useOpenSupportRequest,
  useTenantSupportReply,
  useTenantSupportRequests,
  useTenantSupportThread,
} from '../../api/admin';
import { useTenantContext } from '../../auth/tenantContext';
import { FormError, TextInput, useForm } from '../../components/Form';
import { SupportThreadView } from '../../components/SupportThread';
import { Badge, Card, Empty, ErrorState, Loading, Pagination } from '../../components/ui';
import { useI18n } from '../../i18n/I18nProvider';
import { LIMITS, SUPPORT_CATEGORIES } from '../../lib/admin';
import type { Schema } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { pushToast } from '../../lib/toasts';

const PAGE = 10;
type ReqField = 'subject' | 'category' | 'description';
const SCHEMA: Schema<ReqField> = {
  subject: { kind: 'text', required: true, max: LIMITS.subject },
  category: { kind: 'enum', required: true, values: SUPPORT_CATEGORIES },
  description: { kind: 'text', required: true, max: LIMITS.body, lines: true },
};

export function SupportRequests() {
  const { t, te, lang } = useI18n();
  const { tenantId } = useTenantContext();
  const [params, setParams] = useSearchParams();
  const selected = params.get('request');
  const [offset, setOffset] = useState(0);
  const list = useTenantSupportRequests(tenantId, { status: 'all', limit: PAGE, offset });
  const thread = useTenantSupportThread(tenantId, selected);
  const open = useOpenSupportRequest(tenantId);
  const reply = useTenantSupportReply(tenantId);
  const form = useForm<ReqField>(SCHEMA, { subject: '', category: 'technical', description: '' });
  const select = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('request', id);
    else p.delete('request');
    setParams(p, { replace: true });
  };
  const submit = form.submit(async (v) => {
    const r = await open.mutateAsync({
      subject: v.subject.trim(),
      category: v.category,
      description: v.description.trim(),
    });
    pushToast('success', t('support.sent'));
    form.reset({ subject: '', category: 'technical', description: '' });
    if (r?.id) select(r.id);
  });

  return (
    <div className="split" data-testid="support-requests">
      <div>
        <Card title={t('support.newRequest')} testId="support-new">
          <form onSubmit={submit} noValidate data-testid="support-form">
            <FormError form={form} />
            <TextInput form={form} name="subject" label={t('support.subject')} testId="support-form-subject" required />
            <TextInput
              form={form}
              name="category"
              label={t('support.category')}
              testId="support-form-category"
              required
            >
              {SUPPORT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {te('supportCategory', c)}
                </option>
              ))}
            </TextInput>
            <TextInput
              form={form}
              name="description"
              label={t('support.description')}
              testId="support-form-description"
              multiline
              required
            />
            <button type="submit" className="btn btn-primary" disabled={form.busy} data-testid="support-form-submit">
              {form.busy ? t('form.saving') : t('support.send')}
            </button>
          </form>
        </Card>
        <Card title={t('support.requests')} testId="support-history">
          {list.data ? (
            list.data.requests.length === 0 ? (
              <Empty>{t('support.noRequests')}</Empty>
            ) : (
              <>
                <ul className="incident-list">
                  {list.data.requests.map((r) => (
                    <li
                      key={r.id}
                      className={`incident ${r.id === selected ? 'selected' : ''}`}
                      data-testid="support-request-row"
                      data-request-id={r.id}
                      data-status={r.status}
                    >
                      <div className="incident-head">
                        <button
                          type="button"
                          className="link-btn"
                          onClick={() => select(r.id)}
                          aria-pressed={r.id === selected}
                          data-testid="support-request-open"
                        >
                          <strong>{r.subject}</strong>
                        </button>
                        <Badge prefix="status" value={r.status} />
                      </div>
                      <p className="muted small">
                        {te('supportCategory', r.category)} · {t('support.updatedAt')}{' '}
                        {formatDateTime(r.updated_at ?? r.created_at, lang)}
                        {r.message_count !== undefined
                          ? ` · ${r.message_count === 1 ? t('support.messageOne') : t('support.messages', { n: r.message_count })}`
                          : ''}
                      </p>
                    </li>
                  ))}
                </ul>
                <Pagination total={list.data.total} limit={PAGE} offset={offset} onOffset={setOffset} />
              </>
            )
          ) : list.error ? (
            <ErrorState error={list.error} onRetry={() => list.refetch()} />
          ) : (
            <Loading />
          )}
        </Card>
      </div>
      <Card title={t('support.thread')} testId="support-thread-card">
        {selected ? (
          <SupportThreadView
            query={thread}
            onReply={(id, body) =>
              reply.mutateAsync({ id, body }).then(() => pushToast('success', t('support.replied')))
            }
          />
        ) : (
          <Empty>{t('support.pickRequest')}</Empty>
        )}
      </Card>
    </div>
  );
}

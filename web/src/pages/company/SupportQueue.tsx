// /app/company/support: the staff queue of support requests (oldest open first), with
// the thread, reply (→ answered) and close / reopen (PATCH with If-Match).

import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  useStaffSupportQueue,
  useStaffSupportReply,
  useStaffSupportStatus,
  useStaffSupportThread,
} from '../../api/admin';
import { describeError } from '../../api/errors';
import { SupportThreadView } from '../../components/SupportThread';
import { TenantPicker } from '../../components/TenantPicker';
import { Badge, Card, Empty, Field, Page, PagedQueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { SUPPORT_CATEGORIES } from '../../lib/admin';
import { formatDateTime, formatNumber } from '../../lib/format';
import { pushToast } from '../../lib/toasts';

const PAGE = 25;

export default function SupportQueue() {
  const { t, te, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const selected = params.get('request');
  const [status, setStatus] = useState('open');
  const [category, setCategory] = useState('');
  const [tenantId, setTenantId] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useStaffSupportQueue({
    status,
    category: category || undefined,
    tenant_id: tenantId || undefined,
    limit: PAGE,
    offset,
  });
  const thread = useStaffSupportThread(selected);
  const reply = useStaffSupportReply();
  const setReqStatus = useStaffSupportStatus();
  const reset = (set: (v: string) => void) => (v: string) => {
    set(v);
    setOffset(0);
  };
  const select = (id: string | null) => {
    const p = new URLSearchParams(params);
    if (id) p.set('request', id);
    else p.delete('request');
    setParams(p, { replace: true });
  };
  const changeStatus = (id: string, s: 'open' | 'closed') =>
    setReqStatus.mutateAsync({ id, status: s }).then(
      () => pushToast('success', s === 'closed' ? t('support.closed') : t('form.saved')),
      (e) => pushToast('error', describeError(e, t)),
    );

  return (
    <Page testId="page-support-queue" title={t('supportQueue.title')} subtitle={t('supportQueue.subtitle')}>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="sq-status" label={t('common.status')}>
          <select
            id="sq-status"
            value={status}
            onChange={(e) => reset(setStatus)(e.target.value)}
            data-testid="support-queue-status"
          >
            {(['open', 'answered', 'closed', 'all'] as const).map((s) => (
              <option key={s} value={s}>
                {te('filter', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="sq-category" label={t('support.category')}>
          <select
            id="sq-category"
            value={category}
            onChange={(e) => reset(setCategory)(e.target.value)}
            data-testid="support-queue-category"
          >
            <option value="">{t('filter.all')}</option>
            {SUPPORT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {te('supportCategory', c)}
              </option>
            ))}
          </select>
        </Field>
        <TenantPicker
          id="sq-tenant"
          label={t('common.tenant')}
          value={tenantId}
          onChange={reset(setTenantId)}
          allowEmpty
          emptyLabel={t('filter.all')}
          testId="support-queue-tenant"
        />
      </form>
      <div className="split split-list">
        <Card>
          <PagedQueryView
            query={q}
            isEmpty={(d) => d.requests.length === 0}
            emptyText={t('supportQueue.none')}
            limit={PAGE}
            offset={offset}
            onOffset={setOffset}
          >
            {(d) => (
              <DataTable
                label={t('supportQueue.title')}
                testId="support-queue-table"
                rows={d.requests}
                rowKey={(r) => r.id}
                rowAttributes={(r) => ({
                  className: r.id === selected ? 'selected' : '',
                  'data-testid': 'support-queue-row',
                  'data-request-id': r.id,
                  'data-status': r.status,
                })}
                columns={[
                  {
                    header: t('support.subject'),
                    rowHeader: true,
                    cell: (r) => (
                      <>
                        <button
                          type="button"
                          className="link-btn"
                          onClick={() => select(r.id)}
                          aria-pressed={r.id === selected}
                          data-testid="support-queue-open"
                        >
                          {r.subject}
                        </button>
                        <div className="muted small">
                          {te('supportCategory', r.category)}
                          {r.opened_by_name ? ` · ${r.opened_by_name}` : ''}
                        </div>
                      </>
                    ),
                  },
                  {
                    header: t('common.tenant'),
                    cell: (r) =>
                      r.tenant_id ? (
                        <Link to={`/app/company/tenants/${encodeURIComponent(r.tenant_id)}`}>
                          {r.tenant_name ?? r.tenant_id}
                        </Link>
                      ) : (
                        '—'
                      ),
                  },
                  { header: t('common.status'), cell: (r) => <Badge prefix="status" value={r.status} /> },
                  { key: 'messages', header: '#', align: 'right', cell: (r) => formatNumber(r.message_count, lang) },
                  { header: t('support.updatedAt'), cell: (r) => formatDateTime(r.updated_at ?? r.created_at, lang) },
                ]}
              />
            )}
          </PagedQueryView>
        </Card>
        <Card title={t('support.thread')} testId="support-thread-card">
          {selected ? (
            <SupportThreadView
              query={thread}
              onReply={(id, body) =>
                reply.mutateAsync({ id, body }).then(() => pushToast('success', t('support.replied')))
              }
              actions={(s) =>
                s === 'closed' ? (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => void changeStatus(selected, 'open')}
                    data-testid="support-reopen"
                  >
                    {t('support.reopen')}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => void changeStatus(selected, 'closed')}
                    data-testid="support-close"
                  >
                    {t('support.close')}
                  </button>
                )
              }
            />
          ) : (
            <Empty>{t('support.pickRequest')}</Empty>
          )}
        </Card>
      </div>
    </Page>
  );
}

// /app/company/audit — the audit log (GET /internal/audit, INTERNAL_ADMIN): actor, tenant,
// action and from/to filters plus paging in the URL; a row opens its detail with the
// metadata pretty-printed; "Verificar cadeia" runs GET /internal/audit/verify.

import { useEffect, useEffectEvent, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useAudit, useVerifyAudit, type AuditEvent } from '../../api/accounts';
import { describeError } from '../../api/errors';
import { TenantPicker } from '../../components/TenantPicker';
import { Field, Page, PagedQueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { ExportCsvButton } from '../../components/ExportCsv';
import { useI18n } from '../../i18n/I18nProvider';
import {
  AUDIT_ACTIONS,
  auditApiQuery,
  DEFAULT_AUDIT_LIST,
  listSearchParams,
  metadataSummary,
  parseAuditListState,
  patchList,
  prettyMetadata,
  type AuditListState,
} from '../../lib/accounts';
import { formatDateTime } from '../../lib/format';
import { useDebounced } from '../../lib/useDebounced';

/** A text filter typed locally and written to the URL after a pause. */
function useUrlText(value: string, write: (v: string) => void): [string, (v: string) => void] {
  const [local, setLocal] = useState(value);
  const debounced = useDebounced(local);
  const last = useRef(value);
  useEffect(() => {
    if (value !== last.current) setLocal(value);
    last.current = value;
  }, [value]);
  // Written when the typed text settles, with the latest URL state (not the one of the
  // render where typing started).
  const settle = useEffectEvent((typed: string) => {
    if (typed !== value) {
      last.current = typed;
      write(typed);
    }
  });
  useEffect(() => settle(debounced), [debounced]);
  return [local, setLocal];
}

/** A UUID target shortened to its first block (the detail shows it whole); paths and names as they are. */
const shortTarget = (t: string) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(t) ? `${t.slice(0, 8)}…` : t);

function VerifyChain() {
  const { t } = useI18n();
  const verify = useVerifyAudit();
  const r = verify.data;
  return (
    <div>
      <button
        type="button"
        className="btn"
        onClick={() => verify.mutate()}
        disabled={verify.isPending}
        data-testid="audit-verify"
      >
        {verify.isPending ? t('audit.verifying') : t('audit.verify')}
      </button>
      {verify.error ? (
        <p className="notice notice-error verify-result" role="alert" data-testid="audit-verify-result" data-ok="error">
          {describeError(verify.error, t)}
        </p>
      ) : r ? (
        r.ok ? (
          <p className="notice notice-ok verify-result" role="status" data-testid="audit-verify-result" data-ok="1">
            {t('audit.ok', { checked: r.checked })}
          </p>
        ) : (
          <div
            className="notice notice-error verify-result"
            role="alert"
            data-testid="audit-verify-result"
            data-ok="0"
            data-first-bad={r.first_bad_id ?? undefined}
          >
            <span>
              {r.first_bad_id
                ? t('audit.bad', { id: r.first_bad_id, checked: r.checked })
                : t('audit.badNoId', { checked: r.checked })}
              {r.problem ? ` (${r.problem})` : ''}
            </span>
          </div>
        )
      ) : null}
    </div>
  );
}

function EventDetail({ e, onActor }: { e: AuditEvent; onActor: (actor: string) => void }) {
  const { t } = useI18n();
  return (
    <div data-testid="audit-detail">
      <dl className="detail-list">
        <dt>ID</dt>
        <dd>
          <code>{e.id}</code>
        </dd>
        <dt>{t('audit.actor')}</dt>
        <dd>
          {e.actor ? (
            <>
              <code>{e.actor}</code>{' '}
              <button type="button" className="link-btn small" onClick={() => onActor(e.actor as string)}>
                {t('audit.byActor')}
              </button>
            </>
          ) : (
            t('audit.system')
          )}
        </dd>
        <dt>{t('audit.target')}</dt>
        <dd>{e.target ? <code>{e.target}</code> : '—'}</dd>
        <dt>{t('common.tenant')}</dt>
        <dd>{e.tenant_id ? <code>{e.tenant_id}</code> : '—'}</dd>
        <dt>{t('audit.ip')}</dt>
        <dd>{e.ip || '—'}</dd>
        <dt>{t('audit.requestId')}</dt>
        <dd>{e.request_id ? <code>{e.request_id}</code> : '—'}</dd>
      </dl>
      <div className="muted small">{t('audit.metadata')}</div>
      <pre className="metadata" data-testid="audit-metadata">
        {prettyMetadata(e.metadata)}
      </pre>
    </div>
  );
}

export default function Audit() {
  const { t, te, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseAuditListState(params), [params]);
  const setState = (next: AuditListState) => setParams(listSearchParams(next, DEFAULT_AUDIT_LIST));
  const patch = (p: Partial<AuditListState>) => setState(patchList(state, p));
  const [actor, setActor] = useUrlText(state.actor, (v) => patch({ actor: v }));
  const [action, setAction] = useUrlText(state.action, (v) => patch({ action: v }));
  const [open, setOpen] = useState<string | null>(null);
  const q = useAudit(auditApiQuery(state));
  const filtered = state.actor || state.action || state.tenant_id || state.from || state.to;

  return (
    <Page testId="page-audit" title={t('audit.title')} subtitle={t('audit.subtitle')} actions={<VerifyChain />}>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()} aria-label={t('audit.filters')}>
        <Field id="audit-action" label={t('audit.action')}>
          <input
            id="audit-action"
            type="search"
            list="audit-actions"
            value={action}
            placeholder={t('audit.actionPlaceholder')}
            onChange={(e) => setAction(e.target.value)}
            autoComplete="off"
            data-testid="audit-action"
          />
          <datalist id="audit-actions">
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </Field>
        <Field id="audit-actor" label={t('audit.actor')}>
          <input
            id="audit-actor"
            type="search"
            value={actor}
            onChange={(e) => setActor(e.target.value)}
            autoComplete="off"
            data-testid="audit-actor"
          />
        </Field>
        <TenantPicker
          id="audit-tenant"
          label={t('common.tenant')}
          value={state.tenant_id}
          onChange={(id) => patch({ tenant_id: id })}
          allowEmpty
          emptyLabel={t('filter.all')}
          testId="audit-tenant"
        />
        <Field id="audit-from" label={t('audit.from')}>
          <input
            id="audit-from"
            type="date"
            value={state.from}
            max={state.to || undefined}
            onChange={(e) => patch({ from: e.target.value })}
            data-testid="audit-from"
          />
        </Field>
        <Field id="audit-to" label={t('audit.to')}>
          <input
            id="audit-to"
            type="date"
            value={state.to}
            min={state.from || undefined}
            onChange={(e) => patch({ to: e.target.value })}
            data-testid="audit-to"
          />
        </Field>
        <ExportCsvButton
          path="/internal/audit"
          filters={auditApiQuery(state)}
          fallbackName="painel-audit.csv"
          testId="audit-export"
        />
        {filtered ? (
          <button type="button" className="btn" onClick={() => setState(DEFAULT_AUDIT_LIST)} data-testid="audit-clear">
            {t('audit.clear')}
          </button>
        ) : null}
      </form>
      <PagedQueryView
        query={q}
        isEmpty={(d) => d.events.length === 0}
        emptyText={t('audit.none')}
        limit={state.limit}
        offset={state.offset}
        onOffset={(o) => patch({ offset: o })}
      >
        {(d) => (
          <DataTable
            label={t('audit.title')}
            testId="audit-table"
            rows={d.events}
            rowKey={(e) => e.id}
            rowAttributes={(e) => ({
              'data-testid': 'audit-row',
              'data-event-id': e.id,
              'data-action': e.action,
              className: open === e.id ? 'selected' : undefined,
            })}
            afterRow={(e) =>
              open === e.id ? (
                <tr className="audit-detail" id={`audit-detail-${e.id}`}>
                  <td colSpan={6}>
                    <EventDetail
                      e={e}
                      onActor={(a) => {
                        setActor(a);
                        patch({ actor: a });
                      }}
                    />
                  </td>
                </tr>
              ) : null
            }
            columns={[
              { header: t('audit.when'), className: 'nowrap', cell: (e) => formatDateTime(e.created_at, lang) },
              { header: t('audit.action'), rowHeader: true, cell: (e) => <code>{e.action}</code> },
              { header: t('audit.role'), cell: (e) => (e.role ? te('role', e.role) : t('audit.system')) },
              {
                header: t('audit.target'),
                cell: (e) => (e.target ? <code title={e.target}>{shortTarget(e.target)}</code> : '—'),
              },
              { header: t('audit.details'), className: 'small', cell: (e) => metadataSummary(e.metadata) },
              {
                key: 'toggle',
                header: null,
                headerLabel: t('audit.show'),
                cell: (e) => {
                  const isOpen = open === e.id;
                  return (
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={isOpen}
                      aria-controls={`audit-detail-${e.id}`}
                      onClick={() => setOpen(isOpen ? null : e.id)}
                      data-testid="audit-row-toggle"
                    >
                      {isOpen ? t('audit.hide') : t('audit.show')}
                    </button>
                  );
                },
              },
            ]}
          />
        )}
      </PagedQueryView>
    </Page>
  );
}

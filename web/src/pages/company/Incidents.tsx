// /app/company/incidents: every incident (GET /internal/incidents with filters), open one
// (POST), resolve / reopen / edit (PATCH with If-Match).

import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useInternalIncidents, useOpenIncident, useUpdateIncident, type IncidentBody } from '../../api/admin';
import { describeError } from '../../api/errors';
import type { InternalIncident } from '../../api/types';
import { FormActions, FormDialog, FormError, TextInput, useForm } from '../../components/Form';
import { TenantPicker } from '../../components/TenantPicker';
import { Badge, Field, Page, PagedQueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { ExportCsvButton } from '../../components/ExportCsv';
import { useI18n } from '../../i18n/I18nProvider';
import { INCIDENT_SOURCES, LIMITS, SEVERITIES } from '../../lib/admin';
import type { Schema } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { pushToast } from '../../lib/toasts';

const PAGE = 25;
type IncField = 'severity' | 'title' | 'description';
const SCHEMA: Schema<IncField> = {
  severity: { kind: 'enum', required: true, values: SEVERITIES },
  title: { kind: 'text', required: true, max: LIMITS.title },
  description: { kind: 'text', max: LIMITS.incidentDescription },
};

function IncidentDialog({ incident, onClose }: { incident: InternalIncident | null; onClose: () => void }) {
  const { t, te } = useI18n();
  const open = useOpenIncident();
  const update = useUpdateIncident();
  const [tenantId, setTenantId] = useState('');
  const initial = {
    severity: incident?.severity ?? 'warning',
    title: incident?.title ?? '',
    description: incident?.description ?? '',
  };
  const form = useForm<IncField>(SCHEMA, initial);
  const submit = form.submit(async (v) => {
    if (incident) {
      const body: IncidentBody = {};
      for (const k of ['severity', 'title', 'description'] as const)
        if (v[k].trim() !== initial[k]) body[k] = v[k].trim();
      if (Object.keys(body).length) await update.mutateAsync({ id: incident.id, body });
      pushToast('success', t('form.saved'));
    } else {
      await open.mutateAsync({
        tenant_id: tenantId || null,
        severity: v.severity,
        title: v.title.trim(),
        description: v.description.trim(),
      });
      pushToast('success', t('incidents.created'));
    }
    onClose();
  });
  return (
    <FormDialog
      open
      title={incident ? t('incidents.editTitle') : t('incidents.openTitle')}
      onClose={onClose}
      testId="incident-dialog"
    >
      <form onSubmit={submit} noValidate data-testid="incident-form">
        <FormError form={form} />
        {incident ? null : (
          <TenantPicker
            id="incident-tenant"
            label={t('common.tenant')}
            value={tenantId}
            onChange={setTenantId}
            allowEmpty
            emptyLabel={t('incidents.global')}
            testId="incident-form-tenant"
          />
        )}
        <TextInput form={form} name="severity" label={t('incidents.severity')} testId="incident-form-severity" required>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {te('severity', s)}
            </option>
          ))}
        </TextInput>
        <TextInput form={form} name="title" label={t('incidents.titleField')} testId="incident-form-title" required />
        <TextInput
          form={form}
          name="description"
          label={t('incidents.description')}
          testId="incident-form-description"
        />
        <FormActions
          form={form}
          onCancel={onClose}
          submitLabel={incident ? t('form.save') : t('incidents.open')}
          testId="incident-form"
        />
      </form>
    </FormDialog>
  );
}

export default function Incidents() {
  const { t, te, lang } = useI18n();
  const [status, setStatus] = useState('open');
  const [severity, setSeverity] = useState('');
  const [source, setSource] = useState('');
  const [tenantId, setTenantId] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useInternalIncidents({
    status,
    severity: severity || undefined,
    source: source || undefined,
    tenant_id: tenantId || undefined,
    limit: PAGE,
    offset,
  });
  const update = useUpdateIncident();
  const [dialog, setDialog] = useState<{ incident: InternalIncident | null } | null>(null);
  const reset =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setOffset(0);
    };
  const setIncStatus = (i: InternalIncident, s: 'open' | 'resolved') =>
    update.mutateAsync({ id: i.id, body: { status: s } }).then(
      () => pushToast('success', s === 'resolved' ? t('incidents.resolved') : t('form.saved')),
      (e) => pushToast('error', describeError(e, t)),
    );

  return (
    <Page
      testId="page-incidents"
      title={t('incidents.title')}
      subtitle={t('incidents.subtitle')}
      actions={
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => setDialog({ incident: null })}
          data-testid="incident-open"
        >
          {t('incidents.open')}
        </button>
      }
    >
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="inc-status" label={t('common.status')}>
          <select
            id="inc-status"
            value={status}
            onChange={(e) => reset(setStatus)(e.target.value)}
            data-testid="incidents-status"
          >
            {(['open', 'resolved', 'all'] as const).map((s) => (
              <option key={s} value={s}>
                {te('filter', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="inc-severity" label={t('incidents.severity')}>
          <select
            id="inc-severity"
            value={severity}
            onChange={(e) => reset(setSeverity)(e.target.value)}
            data-testid="incidents-severity"
          >
            <option value="">{t('filter.all')}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {te('severity', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="inc-source" label={t('incidents.source')}>
          <select
            id="inc-source"
            value={source}
            onChange={(e) => reset(setSource)(e.target.value)}
            data-testid="incidents-source"
          >
            <option value="">{t('filter.all')}</option>
            {INCIDENT_SOURCES.map((s) => (
              <option key={s} value={s}>
                {te('source', s)}
              </option>
            ))}
          </select>
        </Field>
        <TenantPicker
          id="inc-tenant"
          label={t('common.tenant')}
          value={tenantId}
          onChange={reset(setTenantId)}
          allowEmpty
          emptyLabel={t('filter.all')}
          testId="incidents-tenant"
        />
        <ExportCsvButton
          path="/internal/incidents"
          filters={{
            status,
            severity: severity || undefined,
            source: source || undefined,
            tenant_id: tenantId || undefined,
          }}
          fallbackName="painel-incidents.csv"
          testId="incidents-export"
        />
      </form>
      <PagedQueryView
        query={q}
        isEmpty={(d) => d.incidents.length === 0}
        emptyText={t('incidents.none')}
        limit={PAGE}
        offset={offset}
        onOffset={setOffset}
      >
        {(d) => (
          <DataTable
            label={t('incidents.title')}
            testId="incidents-table"
            rows={d.incidents}
            rowKey={(i) => i.id}
            rowAttributes={(i) => ({
              'data-testid': 'incident-row',
              'data-incident-id': i.id,
              'data-status': i.status,
            })}
            columns={[
              {
                header: t('incidents.titleField'),
                rowHeader: true,
                cell: (i) => (
                  <>
                    {i.title}
                    {i.description ? <div className="muted small">{i.description}</div> : null}
                    {i.resolved_at ? (
                      <div className="muted small">
                        {t('support.resolvedAt', { when: formatDateTime(i.resolved_at, lang) })}
                        {i.resolved_by_name ? ` · ${i.resolved_by_name}` : ''}
                      </div>
                    ) : null}
                  </>
                ),
              },
              {
                header: t('common.tenant'),
                cell: (i) =>
                  i.tenant_id ? (
                    <Link to={`/app/company/tenants/${encodeURIComponent(i.tenant_id)}`}>
                      {i.tenant_name ?? i.tenant_id}
                    </Link>
                  ) : (
                    <span className="badge badge-info">{t('company.globalIncident')}</span>
                  ),
              },
              { header: t('incidents.severity'), cell: (i) => <Badge prefix="severity" value={i.severity} /> },
              { header: t('common.status'), cell: (i) => <Badge prefix="status" value={i.status} /> },
              { header: t('incidents.source'), cell: (i) => te('source', i.source) },
              { header: t('tenant.createdAt'), className: 'nowrap', cell: (i) => formatDateTime(i.created_at, lang) },
              {
                header: t('common.actions'),
                cell: (i) => (
                  <div className="row-actions">
                    {i.status === 'resolved' ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => void setIncStatus(i, 'open')}
                        data-testid="incident-reopen"
                      >
                        {t('incidents.reopen')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small btn-primary"
                        onClick={() => void setIncStatus(i, 'resolved')}
                        data-testid="incident-resolve"
                      >
                        {t('incidents.resolve')}
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setDialog({ incident: i })}
                      data-testid="incident-edit"
                    >
                      {t('form.edit')}
                    </button>
                  </div>
                ),
              },
            ]}
          />
        )}
      </PagedQueryView>
      {dialog ? (
        <IncidentDialog key={dialog.incident?.id ?? 'new'} incident={dialog.incident} onClose={() => setDialog(null)} />
      ) : null}
    </Page>
  );
}

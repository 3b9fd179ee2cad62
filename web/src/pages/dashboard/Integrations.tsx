// /app/dashboard/integrations: the tenant's integrations. TENANT_ADMIN (and INTERNAL_ADMIN
// viewing as the tenant) create, edit and delete them (POST/PATCH/DELETE
// /tenant/integrations); credentials are write-only: never pre-filled, never shown, only
// "credentials stored" from has_credentials. TENANT_USER and INTERNAL_SUPPORT only read.

import { useState } from 'react';
import {
  useCreateIntegration,
  useDeleteIntegration,
  useTenantIntegrationsFull,
  useUpdateIntegration,
  type IntegrationBody,
} from '../../api/admin';
import { describeError } from '../../api/errors';
import type { TenantIntegration } from '../../api/types';
import { useAuth } from '../../auth/AuthProvider';
import { useTenantContext } from '../../auth/tenantContext';
import { FormActions, FormDialog, FormError, TextInput, useForm } from '../../components/Form';
import { Badge, ConfirmDialog, Page, QueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { INTEGRATION_STATUSES, INTEGRATION_TYPES, LIMITS, canEditIntegrations } from '../../lib/admin';
import type { Schema } from '../../lib/form';
import { formatDateTime } from '../../lib/format';
import { pushToast } from '../../lib/toasts';

type IntField = 'type' | 'name' | 'status' | 'config' | 'credentials';
const SCHEMA: Schema<IntField> = {
  type: { kind: 'enum', required: true, values: INTEGRATION_TYPES },
  name: { kind: 'text', required: true, max: LIMITS.integrationName },
  status: { kind: 'enum', required: true, values: INTEGRATION_STATUSES },
  config: { kind: 'json' },
  credentials: { kind: 'json' },
};

function IntegrationDialog({
  integration,
  tenantId,
  onClose,
}: {
  integration: TenantIntegration | null;
  tenantId: string | null;
  onClose: () => void;
}) {
  const { t, te } = useI18n();
  const create = useCreateIntegration(tenantId);
  const update = useUpdateIntegration(tenantId);
  const [clearCreds, setClearCreds] = useState(false);
  const cfg =
    integration?.config && Object.keys(integration.config).length ? JSON.stringify(integration.config, null, 2) : '';
  // Credentials start empty, always: the server never sends them back.
  const initial = {
    type: integration?.type ?? 'whatsapp',
    name: integration?.name ?? '',
    status: integration?.status === 'inactive' ? 'inactive' : 'active',
    config: cfg,
    credentials: '',
  };
  const form = useForm<IntField>(integration ? { ...SCHEMA, type: { kind: 'text' } } : SCHEMA, initial);
  const submit = form.submit(async (v) => {
    const creds = v.credentials.trim() ? (JSON.parse(v.credentials) as Record<string, unknown>) : undefined;
    const config = v.config.trim() ? (JSON.parse(v.config) as Record<string, unknown>) : undefined;
    if (integration) {
      const body: IntegrationBody = {};
      if (v.name.trim() !== initial.name) body.name = v.name.trim();
      if (v.status !== initial.status) body.status = v.status;
      if (v.config.trim() !== initial.config.trim()) body.config = config ?? null;
      if (creds) body.credentials = creds;
      else if (clearCreds) body.credentials = null;
      if (Object.keys(body).length) await update.mutateAsync({ id: integration.id, body });
      pushToast('success', t('form.saved'));
    } else {
      const body: IntegrationBody = { type: v.type, name: v.name.trim() };
      if (config) body.config = config;
      if (creds) body.credentials = creds;
      await create.mutateAsync(body);
      pushToast('success', t('integrations.created', { name: body.name ?? '' }));
    }
    onClose();
  });
  return (
    <FormDialog
      open
      title={integration ? t('integrations.editTitle', { name: integration.name }) : t('integrations.addTitle')}
      onClose={onClose}
      testId="integration-dialog"
    >
      <form onSubmit={submit} noValidate data-testid="integration-form" autoComplete="off">
        <FormError form={form} />
        <div className="form-grid">
          {integration ? null : (
            <TextInput form={form} name="type" label={t('integrations.type')} testId="integration-form-type" required>
              {INTEGRATION_TYPES.map((x) => (
                <option key={x} value={x}>
                  {te('integrationType', x)}
                </option>
              ))}
            </TextInput>
          )}
          <TextInput form={form} name="name" label={t('integrations.name')} testId="integration-form-name" required />
          {integration ? (
            <TextInput form={form} name="status" label={t('common.status')} testId="integration-form-status" required>
              {INTEGRATION_STATUSES.map((x) => (
                <option key={x} value={x}>
                  {te('status', x)}
                </option>
              ))}
            </TextInput>
          ) : null}
        </div>
        <TextInput
          form={form}
          name="config"
          label={t('integrations.config')}
          testId="integration-form-config"
          multiline
          placeholder='{"phone": "+55 11 99999-0000"}'
        />
        <TextInput
          form={form}
          name="credentials"
          label={t('integrations.credentials')}
          testId="integration-form-credentials"
          multiline
          placeholder='{"api_key": "…"}'
          hint={integration ? t('integrations.credentialsHint') : t('integrations.credentialsNewHint')}
        />
        {integration?.has_credentials ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={clearCreds}
              disabled={!!form.values.credentials.trim()}
              onChange={(e) => setClearCreds(e.target.checked)}
              data-testid="integration-form-clear-credentials"
            />{' '}
            {t('integrations.clearCredentials')}
          </label>
        ) : null}
        <FormActions
          form={form}
          onCancel={onClose}
          submitLabel={integration ? t('form.save') : t('form.create')}
          testId="integration-form"
        />
      </form>
    </FormDialog>
  );
}

export default function DashboardIntegrations() {
  const { t, te, lang } = useI18n();
  const { role } = useAuth();
  const { tenantId } = useTenantContext();
  const q = useTenantIntegrationsFull(tenantId);
  const canEdit = canEditIntegrations(role);
  const del = useDeleteIntegration(tenantId);
  const [dialog, setDialog] = useState<{ integration: TenantIntegration | null } | null>(null);
  const [deleting, setDeleting] = useState<TenantIntegration | null>(null);

  return (
    <Page
      testId="page-integrations"
      title={t('integrations.title')}
      subtitle={t('integrations.subtitle')}
      actions={
        canEdit ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => setDialog({ integration: null })}
            data-testid="integration-add"
          >
            {t('integrations.add')}
          </button>
        ) : undefined
      }
    >
      <QueryView query={q}>
        {(d) => {
          // last_error is sent to admins only; the column appears when there is one to show.
          const showErrors = d.integrations.some((i) => !!i.last_error);
          const showCreds = d.integrations.some((i) => i.has_credentials !== undefined);
          return (
            <DataTable
              label={t('integrations.title')}
              testId="integrations-table"
              rows={d.integrations}
              empty={t('integrations.none')}
              rowKey={(i) => i.id}
              rowAttributes={(i) => ({ 'data-testid': 'integration-row', 'data-integration-id': i.id })}
              columns={[
                { header: t('integrations.name'), rowHeader: true, cell: (i) => i.name },
                { header: t('integrations.type'), cell: (i) => te('integrationType', i.type) },
                { header: t('common.status'), cell: (i) => <Badge prefix="status" value={i.status} /> },
                { header: t('integrations.lastSync'), cell: (i) => formatDateTime(i.last_sync_at, lang) },
                showErrors && {
                  header: t('integrations.lastError'),
                  className: 'error-text',
                  cellData: () => ({ 'data-testid': 'integration-last-error' }),
                  cell: (i) => i.last_error ?? '',
                },
                showCreds && {
                  header: t('integrations.credentialsStored'),
                  cellData: (i) => ({
                    'data-testid': 'integration-credentials',
                    'data-stored': i.has_credentials ? '1' : '0',
                  }),
                  cell: (i) =>
                    i.has_credentials ? (
                      <span className="badge badge-ok">{t('integrations.credentialsStored')}</span>
                    ) : (
                      <span className="muted">{t('integrations.noCredentials')}</span>
                    ),
                },
                canEdit && {
                  header: t('common.actions'),
                  cell: (i) => (
                    <div className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setDialog({ integration: i })}
                        data-testid="integration-edit"
                      >
                        {t('form.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={() => setDeleting(i)}
                        data-testid="integration-delete"
                      >
                        {t('form.delete')}
                      </button>
                    </div>
                  ),
                },
              ]}
            />
          );
        }}
      </QueryView>
      {dialog ? (
        <IntegrationDialog
          key={dialog.integration?.id ?? 'new'}
          integration={dialog.integration}
          tenantId={tenantId}
          onClose={() => setDialog(null)}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null}
        danger
        title={t('integrations.deleteTitle', { name: deleting?.name ?? '' })}
        confirmLabel={t('form.delete')}
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          const i = deleting;
          setDeleting(null);
          if (i)
            del.mutateAsync(i.id).then(
              () => pushToast('success', t('integrations.deleted')),
              (e) => pushToast('error', describeError(e, t)),
            );
        }}
      >
        <p>{t('integrations.deleteBody')}</p>
      </ConfirmDialog>
    </Page>
  );
}

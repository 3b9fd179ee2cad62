// Staff writes on tenants: "Adicionar tenant" (POST /internal/tenants), the edit form
// (PATCH with If-Match) and the contracts card (PUT/DELETE /internal/tenants/{id}/agents/{agent}).

import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  useCatalog,
  useCreateTenant,
  useEndContract,
  useSetContract,
  useUpdateTenant,
  tenantIdOf,
  type TenantBody,
} from '../../api/admin';
import { describeError } from '../../api/errors';
import type { TenantAgent, TenantDetail } from '../../api/types';
import { useAuth } from '../../auth/AuthProvider';
import { FormActions, FormDialog, FormError, TextInput, useForm } from '../../components/Form';
import { Badge, Card, ConfirmDialog, Empty, Loading } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { LIMITS, NEW_TENANT_STATUSES, PLANS, SEGMENTS, contractCount, priceValue } from '../../lib/admin';
import { digitsOnly, intOrNull, validateField, type Schema } from '../../lib/form';
import { formatMoney } from '../../lib/format';
import { pushToast } from '../../lib/toasts';

const LIMIT_RULE = { kind: 'int', min: 0, max: 1_000_000_000 } as const;
type TenantField =
  'name' | 'cnpj' | 'segment' | 'plan' | 'status' | 'max_agents' | 'max_users' | 'max_requests_per_month';
const NEW_SCHEMA: Schema<TenantField> = {
  name: { kind: 'text', required: true, max: LIMITS.name },
  cnpj: { kind: 'cnpj', required: true },
  segment: { kind: 'text', required: true, max: LIMITS.segment },
  plan: { kind: 'enum', required: true, values: PLANS },
  status: { kind: 'enum', required: true, values: NEW_TENANT_STATUSES },
  max_agents: LIMIT_RULE,
  max_users: LIMIT_RULE,
  max_requests_per_month: LIMIT_RULE,
};
const LIMIT_FIELDS = ['max_agents', 'max_users', 'max_requests_per_month'] as const;

function SegmentList() {
  const { te } = useI18n();
  return (
    <datalist id="segment-options">
      {SEGMENTS.map((s) => (
        <option key={s} value={s} label={te('segment', s)} />
      ))}
    </datalist>
  );
}

function LimitInputs({ form }: { form: ReturnType<typeof useForm<TenantField>> }) {
  const { t } = useI18n();
  return (
    <fieldset className="form-grid">
      <legend>{t('tenantForm.limits')}</legend>
      {LIMIT_FIELDS.map((f) => (
        <TextInput
          key={f}
          form={form}
          name={f}
          label={t(`tenantForm.${f}`)}
          testId={`tenant-form-${f}`}
          type="number"
          hint={t('tenantForm.limitHint')}
        />
      ))}
    </fieldset>
  );
}

export function NewTenantButton() {
  const { t, te } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const create = useCreateTenant();
  const empty = {
    name: '',
    cnpj: '',
    segment: '',
    plan: 'starter',
    status: 'trial',
    max_agents: '',
    max_users: '',
    max_requests_per_month: '',
  };
  const form = useForm<TenantField>(NEW_SCHEMA, empty, {
    'limits.max_agents': 'max_agents',
    'limits.max_users': 'max_users',
    'limits.max_requests_per_month': 'max_requests_per_month',
  });
  const close = () => {
    setOpen(false);
    form.reset(empty);
  };
  const submit = form.submit(async (v) => {
    const limits: Record<string, number> = {};
    for (const f of LIMIT_FIELDS) if (v[f].trim()) limits[f] = Number(v[f]);
    const body: TenantBody = {
      name: v.name.trim(),
      cnpj: digitsOnly(v.cnpj),
      segment: v.segment.trim(),
      plan: v.plan,
      status: v.status,
    };
    if (Object.keys(limits).length) body.limits = limits;
    const res = await create.mutateAsync(body);
    pushToast('success', t('tenantForm.created', { name: body.name ?? '' }));
    close();
    const id = tenantIdOf(res);
    if (id) navigate(`/app/company/tenants/${encodeURIComponent(id)}`);
  });
  return (
    <>
      <button type="button" className="btn btn-primary" onClick={() => setOpen(true)} data-testid="tenant-add">
        {t('tenantForm.add')}
      </button>
      <FormDialog open={open} title={t('tenantForm.addTitle')} onClose={close} testId="tenant-add-dialog">
        <form onSubmit={submit} noValidate data-testid="tenant-form">
          <FormError form={form} />
          <TextInput form={form} name="name" label={t('tenant.name')} testId="tenant-form-name" required />
          <div className="form-grid">
            <TextInput
              form={form}
              name="cnpj"
              label={t('tenant.cnpj')}
              testId="tenant-form-cnpj"
              required
              placeholder="00.000.000/0000-00"
            />
            <Segment form={form} />
            <TextInput form={form} name="plan" label={t('tenant.plan')} testId="tenant-form-plan" required>
              {PLANS.map((p) => (
                <option key={p} value={p}>
                  {te('plan', p)}
                </option>
              ))}
            </TextInput>
            <TextInput form={form} name="status" label={t('common.status')} testId="tenant-form-status" required>
              {NEW_TENANT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {te('status', s)}
                </option>
              ))}
            </TextInput>
          </div>
          <LimitInputs form={form} />
          <FormActions form={form} onCancel={close} submitLabel={t('form.create')} testId="tenant-form" />
        </form>
      </FormDialog>
    </>
  );
}

function Segment({ form }: { form: ReturnType<typeof useForm<TenantField>> }) {
  const { t } = useI18n();
  const err = form.errorText('segment');
  return (
    <div className={`field ${err ? 'field-invalid' : ''}`}>
      <label htmlFor="f-tenant-form-segment">{t('tenant.segment')}</label>
      <input
        id="f-tenant-form-segment"
        list="segment-options"
        value={form.values.segment}
        onChange={(e) => form.set('segment', e.target.value)}
        data-testid="tenant-form-segment"
        autoComplete="off"
        aria-invalid={err ? true : undefined}
      />
      <SegmentList />
      {err ? (
        <div className="field-error" role="alert">
          {err}
        </div>
      ) : null}
    </div>
  );
}

const EDIT_SCHEMA: Schema<TenantField> = { ...NEW_SCHEMA, cnpj: { kind: 'text' }, status: { kind: 'text' } };

export function EditTenantButton({ detail, onReload }: { detail: TenantDetail; onReload: () => void }) {
  const { t, te } = useI18n();
  const tn = detail.tenant;
  const [open, setOpen] = useState(false);
  const update = useUpdateTenant(tn.id);
  const str = (n: number | null | undefined) => (typeof n === 'number' ? String(n) : '');
  const initial = () => ({
    name: tn.name ?? '',
    cnpj: '',
    segment: tn.segment ?? '',
    plan: tn.plan ?? 'starter',
    status: '',
    // The tenant's own limits (limit_overrides, null = the plan's) when the server sends
    // them; otherwise the limits in force.
    max_agents: str((tn.limit_overrides ?? tn.limits)?.max_agents),
    max_users: str((tn.limit_overrides ?? tn.limits)?.max_users),
    max_requests_per_month: str((tn.limit_overrides ?? tn.limits)?.max_requests_per_month),
  });
  const form = useForm<TenantField>(EDIT_SCHEMA, initial(), {
    'limits.max_agents': 'max_agents',
    'limits.max_users': 'max_users',
    'limits.max_requests_per_month': 'max_requests_per_month',
  });
  const close = () => setOpen(false);
  const submit = form.submit(async (v) => {
    // Only what changed: a PATCH of the edited fields (a cleared limit → null, the plan's).
    const body: TenantBody = {};
    const was = initial();
    if (v.name.trim() !== was.name) body.name = v.name.trim();
    if (v.segment.trim() !== was.segment) body.segment = v.segment.trim();
    if (v.plan !== was.plan) body.plan = v.plan;
    const limits: Record<string, number | null> = {};
    for (const f of LIMIT_FIELDS) if (v[f].trim() !== was[f]) limits[f] = intOrNull(v[f]);
    if (Object.keys(limits).length) body.limits = limits;
    if (Object.keys(body).length) {
      await update.mutateAsync(body);
      pushToast('success', t('form.saved'));
    }
    close();
  });
  return (
    <>
      <button
        type="button"
        className="btn"
        onClick={() => {
          form.reset(initial());
          setOpen(true);
        }}
        data-testid="tenant-edit"
      >
        {t('form.edit')}
      </button>
      <FormDialog
        open={open}
        title={t('tenantForm.editTitle', { name: tn.name })}
        onClose={close}
        testId="tenant-edit-dialog"
      >
        <form onSubmit={submit} noValidate data-testid="tenant-edit-form">
          <FormError
            form={form}
            onReload={() => {
              onReload();
              close();
            }}
          />
          <TextInput form={form} name="name" label={t('tenant.name')} testId="tenant-form-name" required />
          <div className="form-grid">
            <Segment form={form} />
            <TextInput form={form} name="plan" label={t('tenant.plan')} testId="tenant-form-plan" required>
              {PLANS.map((p) => (
                <option key={p} value={p}>
                  {te('plan', p)}
                </option>
              ))}
            </TextInput>
          </div>
          <p className="muted small">{t('tenantForm.statusNote')}</p>
          <LimitInputs form={form} />
          <FormActions form={form} onCancel={close} submitLabel={t('form.save')} testId="tenant-edit-form" />
        </form>
      </FormDialog>
    </>
  );
}

/** The catalog with this tenant's contracts: activate, deactivate, config. */
export function ContractsCard({ detail }: { detail: TenantDetail }) {
  const { t, te, lang } = useI18n();
  const { role } = useAuth();
  const canWrite = role === 'INTERNAL_ADMIN';
  const tn = detail.tenant;
  const catalog = useCatalog({ status: 'all', limit: 200, offset: 0 });
  const set = useSetContract(tn.id);
  const end = useEndContract(tn.id);
  const [ending, setEnding] = useState<TenantAgent | null>(null);
  const [configFor, setConfigFor] = useState<string | null>(null);
  const [configText, setConfigText] = useState('');
  const [configErr, setConfigErr] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ id: string; text: string } | null>(null);
  const count = contractCount(detail.agents, tn.limits?.max_agents);
  const byId = new Map(detail.agents.map((a) => [a.id, a]));

  const run = (agentId: string, p: Promise<unknown>) => {
    setRowError(null);
    p.then(
      () => pushToast('success', t('form.saved')),
      (e) => setRowError({ id: agentId, text: describeError(e, t) }),
    );
  };
  const saveConfig = (agentId: string, status: 'active' | 'inactive') => {
    const bad = validateField({ kind: 'json', required: true }, configText);
    if (bad) return setConfigErr(t(bad.key, bad.vars));
    setConfigErr(null);
    set.mutateAsync({ agentId, status, config: JSON.parse(configText) as Record<string, unknown> }).then(
      () => {
        setConfigFor(null);
        pushToast('success', t('form.saved'));
      },
      (e) => setConfigErr(describeError(e, t)),
    );
  };

  // Catalog agents, plus contracted agents the catalog page did not include.
  // Without the catalog (an error), the tenant's own contracts still show and can be managed.
  const rows = catalog.data ? [...catalog.data.agents] : [];
  for (const a of detail.agents)
    if (!rows.some((r) => r.id === a.id))
      rows.push({ id: a.id, name: a.name, status: 'active', subnucleus: a.subnucleus ?? undefined });
  rows.sort(
    (a, b) =>
      Number(byId.get(b.id)?.status === 'active') - Number(byId.get(a.id)?.status === 'active') ||
      a.name.localeCompare(b.name),
  );

  return (
    <Card
      title={t('contracts.title')}
      testId="tenant-contracts"
      actions={
        <span
          className={`badge ${count.full ? 'badge-warn' : 'badge-muted'}`}
          data-testid="contracts-count"
          data-active={count.active}
          data-max={count.max ?? ''}
        >
          {count.max === null
            ? t('contracts.countNoMax', { n: count.active })
            : t('contracts.count', { n: count.active, max: count.max })}
        </span>
      }
    >
      {catalog.error && !catalog.data ? (
        // The tenant's own contracts still show below; only the rest of the catalog is missing.
        <p className="notice notice-warn small" role="status" data-testid="catalog-unavailable">
          {t('contracts.catalogUnavailable', { detail: describeError(catalog.error, t) })}
        </p>
      ) : null}
      {!catalog.data && !catalog.error ? <Loading /> : null}
      {(catalog.data || catalog.error) && rows.length === 0 ? <Empty /> : null}
      {rows.length ? (
        <DataTable
          label={t('contracts.title')}
          rows={rows}
          rowKey={(a) => a.id}
          rowAttributes={(a) => ({
            'data-testid': 'contract-row',
            'data-agent-id': a.id,
            'data-status': byId.get(a.id)?.status ?? 'none',
          })}
          columns={[
            {
              header: t('agents.name'),
              rowHeader: true,
              cell: (a) => {
                const active = byId.get(a.id)?.status === 'active';
                return (
                  <>
                    {a.name}
                    {a.status === 'retired' ? (
                      <div>
                        <Badge prefix="catalogStatus" value="retired" />
                      </div>
                    ) : null}
                    {rowError?.id === a.id ? (
                      <div className="field-error" role="alert" data-testid="contract-error">
                        {rowError.text}
                      </div>
                    ) : null}
                    {configFor === a.id ? (
                      <div className="field">
                        <label htmlFor={`cfg-${a.id}`}>{t('agents.config')}</label>
                        <textarea
                          id={`cfg-${a.id}`}
                          value={configText}
                          onChange={(e) => setConfigText(e.target.value)}
                          data-testid="contract-config-input"
                        />
                        {configErr ? (
                          <div className="field-error" role="alert">
                            {configErr}
                          </div>
                        ) : null}
                        <div className="row-actions">
                          <button
                            type="button"
                            className="btn btn-small btn-primary"
                            onClick={() => saveConfig(a.id, active ? 'active' : 'inactive')}
                            data-testid="contract-config-save"
                          >
                            {t('form.save')}
                          </button>
                          <button type="button" className="btn btn-small" onClick={() => setConfigFor(null)}>
                            {t('common.cancel')}
                          </button>
                        </div>
                      </div>
                    ) : null}
                  </>
                );
              },
            },
            { header: t('agents.subnucleus'), cell: (a) => te('subnucleus', a.subnucleus) },
            { header: t('catalog.price'), align: 'right', cell: (a) => formatMoney(priceValue(a.price_monthly), lang) },
            {
              header: t('contracts.contract'),
              cell: (a) => {
                const c = byId.get(a.id);
                return c ? (
                  <Badge prefix="status" value={c.status} />
                ) : (
                  <span className="muted">{t('contracts.none')}</span>
                );
              },
            },
            canWrite && {
              header: t('common.actions'),
              cell: (a) => {
                const c = byId.get(a.id);
                const retired = a.status === 'retired';
                return (
                  <div className="row-actions">
                    {c?.status === 'active' ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => setEnding(c)}
                        data-testid="contract-deactivate"
                      >
                        {t('contracts.deactivate')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small btn-primary"
                        disabled={retired || count.full || set.isPending}
                        title={retired ? t('contracts.retiredHint') : count.full ? t('contracts.fullHint') : undefined}
                        onClick={() => run(a.id, set.mutateAsync({ agentId: a.id, status: 'active' }))}
                        data-testid="contract-activate"
                      >
                        {t('contracts.activate')}
                      </button>
                    )}
                    {c ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => {
                          setConfigFor(a.id);
                          setConfigErr(null);
                          setConfigText(JSON.stringify(c.config ?? {}, null, 2));
                        }}
                        data-testid="contract-config"
                      >
                        {t('agents.config')}
                      </button>
                    ) : null}
                  </div>
                );
              },
            },
          ]}
        />
      ) : null}
      <ConfirmDialog
        open={ending !== null}
        danger
        title={t('contracts.endTitle', { name: ending?.name ?? '' })}
        confirmLabel={t('contracts.deactivate')}
        onCancel={() => setEnding(null)}
        onConfirm={() => {
          const a = ending;
          setEnding(null);
          if (a) run(a.id, end.mutateAsync(a.id));
        }}
      >
        <p>{t('contracts.endBody')}</p>
      </ConfirmDialog>
    </Card>
  );
}

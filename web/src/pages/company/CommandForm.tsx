import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useCreateCommand, useTenantDetail } from '../../api/hooks';
import type { Command } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';
import {
  buildCommandBody,
  COMMAND_SPECS,
  confirmTarget,
  tenantAfterTypeChange,
  type CommandBody,
  type CommandType,
  type ParamName,
  type ParamSpec,
} from '../../lib/commands';
import { pushToast } from '../../lib/toasts';
import { ConfirmDialog, Field } from '../../components/ui';
import { TenantPicker } from '../../components/TenantPicker';

type Errors = Partial<Record<ParamName | 'tenant_id' | 'target', MessageKey>>;

function newKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function CommandForm({
  types,
  initialTenant,
  onCreated,
}: {
  types: CommandType[];
  initialTenant: string;
  onCreated: (c: Command) => void;
}) {
  const { t, te } = useI18n();
  const [type, setType] = useState<CommandType>(types[0] ?? 'HEALTH_CHECK');
  const [tenantId, setTenantId] = useState(initialTenant);
  const [values, setValues] = useState<Partial<Record<ParamName, string>>>({});
  const [target, setTarget] = useState<'integration_id' | 'user_id'>('integration_id');
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState<CommandBody | null>(null);
  const idemKey = useRef(newKey());
  const create = useCreateCommand();
  const spec = COMMAND_SPECS[type];
  // The detail names the pickers' options and the target of a destructive confirmation.
  const needsDetail = spec.destructive || spec.params.some((p) => p.kind !== 'date');
  const detail = useTenantDetail(needsDetail && tenantId ? tenantId : null);

  // A changed form is a new command: a new idempotency key (a retry of the same one reuses it).
  useEffect(() => {
    idemKey.current = newKey();
  }, [type, tenantId, values, target]);

  const setValue = (name: ParamName, v: string) => setValues((old) => ({ ...old, [name]: v }));

  function send(body: CommandBody) {
    create.mutate(
      { body, idempotencyKey: idemKey.current },
      {
        onSuccess: (res) => {
          pushToast('success', t('commands.created', { type: te('commandType', body.command_type) }));
          onCreated({
            command_id: res.command_id,
            command_type: body.command_type,
            status: res.status ?? 'PENDING',
            tenant_id: body.tenant_id ?? null,
            parameters: body.parameters,
            created_at: res.created_at,
          });
          idemKey.current = newKey();
        },
      },
    );
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const given: Partial<Record<ParamName, string>> = { ...values };
    if (spec.exactlyOneOf) {
      for (const n of spec.exactlyOneOf) if (n !== target) delete given[n];
    }
    const r = buildCommandBody(type, tenantId, given);
    if (!r.ok) {
      const errs: Errors = {};
      for (const er of r.errors) errs[er.field] = `commands.err.${er.error}` as MessageKey;
      setErrors(errs);
      return;
    }
    setErrors({});
    if (spec.destructive) setPending(r.body);
    else send(r.body);
  }

  const errText = (f: keyof Errors) => (errors[f] ? t(errors[f]!) : null);

  function picker(p: ParamSpec) {
    const id = `cmd-${p.name}`;
    const label = t(`commands.param.${p.name}`);
    if (p.kind === 'date') {
      return (
        <Field
          key={p.name}
          id={id}
          label={label + (p.required ? '' : ` (${t('common.optional')})`)}
          error={errText(p.name)}
        >
          <input
            id={id}
            type="date"
            value={values[p.name] ?? ''}
            onChange={(e) => setValue(p.name, e.target.value)}
            data-testid={`command-param-${p.name}`}
          />
        </Field>
      );
    }
    const d = detail.data;
    let options: { id: string; label: string }[] = [];
    if (d) {
      if (p.kind === 'agent')
        options = d.agents.map((a) => ({ id: a.id, label: `${a.name} (${te('status', a.status)})` }));
      if (p.kind === 'integration')
        options = d.integrations.map((i) => ({
          id: i.id,
          label: `${i.name} — ${te('integrationType', i.type)} (${te('status', i.status)})`,
        }));
      if (p.kind === 'user')
        options = d.users.map((u) => ({ id: u.id, label: `${u.full_name ?? u.email} <${u.email}>` }));
      if (p.kind === 'incident')
        options = d.recent_incidents
          .filter((i) => i.status !== 'resolved')
          .map((i) => ({ id: i.id, label: `${i.title} (${te('severity', i.severity)})` }));
    }
    const hint = !tenantId
      ? t('commands.pickTenantFirst')
      : detail.isPending
        ? t('common.loading')
        : options.length === 0
          ? t('commands.noOptions')
          : undefined;
    return (
      <Field key={p.name} id={id} label={label} error={errText(p.name)} hint={hint}>
        <select
          id={id}
          value={values[p.name] ?? ''}
          onChange={(e) => setValue(p.name, e.target.value)}
          disabled={!tenantId || !d}
          data-testid={`command-param-${p.name}`}
        >
          <option value="">{t('commands.choose')}</option>
          {options.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
    );
  }

  const shownParams = spec.exactlyOneOf ? spec.params.filter((p) => p.name === target) : spec.params;

  return (
    <form className="command-form" onSubmit={onSubmit} noValidate data-testid="command-form">
      <Field id="cmd-type" label={t('commands.type')} hint={t(`commandDesc.${type}`)}>
        <select
          id="cmd-type"
          value={type}
          onChange={(e) => {
            const next = e.target.value as CommandType;
            // A new type starts with no target: no agent/integration/user left over, and no
            // tenant carried into (or out of) a command that acts on the tenant itself.
            setTenantId((old) => tenantAfterTypeChange(type, next, old));
            setType(next);
            setValues({});
            setTarget('integration_id');
            setPending(null);
            setErrors({});
          }}
          data-testid="command-type"
        >
          {types.map((ct) => (
            <option key={ct} value={ct}>
              {te('commandType', ct)}
              {COMMAND_SPECS[ct].destructive ? ` ⚠` : ''}
            </option>
          ))}
        </select>
      </Field>
      <TenantPicker
        id="cmd-tenant"
        label={t('common.tenant') + (spec.tenant === 'optional' ? ` (${t('common.optional')})` : '')}
        value={tenantId}
        onChange={(v) => {
          setTenantId(v);
          setValues({});
        }}
        allowEmpty={spec.tenant === 'optional'}
        emptyLabel={spec.tenant === 'optional' ? t('commands.allTenants') : undefined}
        testId="command-tenant"
      />
      {errText('tenant_id') ? (
        <div className="field-error" role="alert">
          {errText('tenant_id')}
        </div>
      ) : null}
      {spec.exactlyOneOf ? (
        <fieldset className="radio-group">
          <legend>{t('commands.resetTarget')}</legend>
          {(['integration_id', 'user_id'] as const).map((n) => (
            <label key={n}>
              <input
                type="radio"
                name="reset-target"
                value={n}
                checked={target === n}
                onChange={() => setTarget(n)}
                data-testid={`command-target-${n}`}
              />{' '}
              {t(`commands.param.${n}`)}
            </label>
          ))}
          {errText('target') ? (
            <div className="field-error" role="alert">
              {errText('target')}
            </div>
          ) : null}
        </fieldset>
      ) : null}
      {shownParams.map(picker)}
      {spec.destructive ? <p className="notice notice-warn small">{t('commands.destructiveNote')}</p> : null}
      <button
        type="submit"
        className={`btn ${spec.destructive ? 'btn-danger' : 'btn-primary'}`}
        disabled={create.isPending}
        data-testid="command-submit"
      >
        {create.isPending ? t('commands.sending') : t('commands.submit')}
      </button>
      <ConfirmDialog
        open={pending !== null}
        danger
        title={t(`commandConfirmTitle.${type}` as MessageKey, {
          target: pending ? confirmTarget(pending, detail.data) : '',
        })}
        confirmLabel={t('commands.confirmOk')}
        onCancel={() => setPending(null)}
        onConfirm={() => {
          const b = pending;
          setPending(null);
          if (b) send(b);
        }}
      >
        <p>
          {t('commands.confirmTarget')}:{' '}
          <strong data-testid="confirm-target">{pending ? confirmTarget(pending, detail.data) : ''}</strong>
        </p>
        <p>{t(`commandConfirm.${type}` as MessageKey)}</p>
        <p className="muted small">{t('commands.confirmIrreversible')}</p>
      </ConfirmDialog>
    </form>
  );
}

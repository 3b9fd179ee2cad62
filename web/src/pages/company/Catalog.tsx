// /app/company/catalog: the agent catalog (GET/POST/PATCH /internal/agents, retire).

import { useState } from 'react';
import { useCatalog, useCreateAgent, useUpdateAgent, type AgentBody } from '../../api/admin';
import { describeError } from '../../api/errors';
import type { CatalogAgent } from '../../api/types';
import { useAuth } from '../../auth/AuthProvider';
import { FormActions, FormDialog, FormError, TextInput, useForm } from '../../components/Form';
import { Badge, ConfirmDialog, Field, Page, PagedQueryView } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { useI18n } from '../../i18n/I18nProvider';
import { AGENT_SEGMENTS, LIMITS, SUBNUCLEI, priceValue } from '../../lib/admin';
import { centsToDecimal, parseMoneyCents, type Schema } from '../../lib/form';
import { formatDateTime, formatMoney, formatNumber } from '../../lib/format';
import { pushToast } from '../../lib/toasts';
import { useDebounced } from '../../lib/useDebounced';

const PAGE = 25;
type AgentField = 'name' | 'segment' | 'subnucleus' | 'description' | 'price_monthly';
const SCHEMA: Schema<AgentField> = {
  name: { kind: 'text', required: true, max: LIMITS.name },
  segment: { kind: 'text', required: true, max: LIMITS.segment },
  subnucleus: { kind: 'enum', required: true, values: SUBNUCLEI },
  description: { kind: 'text', max: LIMITS.agentDescription },
  price_monthly: { kind: 'money', maxCents: 100_000_000 },
};

function AgentDialog({ agent, open, onClose }: { agent: CatalogAgent | null; open: boolean; onClose: () => void }) {
  const { t, te } = useI18n();
  const create = useCreateAgent();
  const update = useUpdateAgent();
  const price = priceValue(agent?.price_monthly);
  const initial = {
    name: agent?.name ?? '',
    segment: agent?.segment ?? '',
    subnucleus: agent?.subnucleus ?? 'hermes',
    description: agent?.description ?? '',
    price_monthly: price === null ? '' : centsToDecimal(Math.round(price * 100)),
  };
  const form = useForm<AgentField>(SCHEMA, initial);
  const submit = form.submit(async (v) => {
    const cents = v.price_monthly.trim() ? parseMoneyCents(v.price_monthly) : null;
    const full: AgentBody = {
      name: v.name.trim(),
      segment: v.segment.trim(),
      subnucleus: v.subnucleus,
      description: v.description.trim() || undefined,
      price_monthly: cents === null ? undefined : centsToDecimal(cents),
    };
    if (agent) {
      const body: AgentBody = {};
      for (const k of Object.keys(full) as (keyof AgentBody)[]) {
        const now = full[k] ?? '';
        const was = k === 'price_monthly' ? initial.price_monthly : ((initial as Record<string, string>)[k] ?? '');
        if (now !== was) (body as Record<string, string>)[k] = now as string;
      }
      if (Object.keys(body).length) await update.mutateAsync({ id: agent.id, body });
      pushToast('success', t('form.saved'));
    } else {
      await create.mutateAsync(full);
      pushToast('success', t('catalog.created', { name: full.name ?? '' }));
    }
    onClose();
  });
  return (
    <FormDialog
      open={open}
      title={agent ? t('catalog.editTitle', { name: agent.name }) : t('catalog.addTitle')}
      onClose={onClose}
      testId="agent-dialog"
    >
      <form onSubmit={submit} noValidate data-testid="agent-form">
        <FormError form={form} />
        <TextInput form={form} name="name" label={t('agents.name')} testId="agent-form-name" required />
        <div className="form-grid">
          <TextInput form={form} name="segment" label={t('tenant.segment')} testId="agent-form-segment" required>
            <option value="">{t('commands.choose')}</option>
            {[
              ...AGENT_SEGMENTS,
              ...(initial.segment && !(AGENT_SEGMENTS as readonly string[]).includes(initial.segment)
                ? [initial.segment]
                : []),
            ].map((s) => (
              <option key={s} value={s}>
                {te('segment', s)}
              </option>
            ))}
          </TextInput>
          <TextInput
            form={form}
            name="subnucleus"
            label={t('agents.subnucleus')}
            testId="agent-form-subnucleus"
            required
          >
            {SUBNUCLEI.map((s) => (
              <option key={s} value={s}>
                {te('subnucleus', s)}
              </option>
            ))}
          </TextInput>
          <TextInput
            form={form}
            name="price_monthly"
            label={t('catalog.price')}
            testId="agent-form-price"
            placeholder="199,90"
          />
        </div>
        <TextInput form={form} name="description" label={t('catalog.description')} testId="agent-form-description" />
        <FormActions
          form={form}
          onCancel={onClose}
          submitLabel={agent ? t('form.save') : t('form.create')}
          testId="agent-form"
        />
      </form>
    </FormDialog>
  );
}

export default function Catalog() {
  const { t, te, lang } = useI18n();
  const { role } = useAuth();
  const canWrite = role === 'INTERNAL_ADMIN';
  const [status, setStatus] = useState<'active' | 'retired' | 'all'>('active');
  const [search, setSearch] = useState('');
  const [subnucleus, setSubnucleus] = useState('');
  const [offset, setOffset] = useState(0);
  const dSearch = useDebounced(search);
  const q = useCatalog({ status, search: dSearch || undefined, limit: PAGE, offset });
  const update = useUpdateAgent();
  const [editing, setEditing] = useState<CatalogAgent | null>(null);
  const [adding, setAdding] = useState(false);
  const [retiring, setRetiring] = useState<CatalogAgent | null>(null);
  const rows = (q.data?.agents ?? []).filter((a) => !subnucleus || a.subnucleus === subnucleus);

  const setRetired = (a: CatalogAgent, retired: boolean) =>
    update.mutateAsync({ id: a.id, body: { status: retired ? 'retired' : 'active' } }).then(
      () => pushToast('success', t('form.saved')),
      (e) => pushToast('error', describeError(e, t)),
    );

  return (
    <Page
      testId="page-catalog"
      title={t('catalog.title')}
      subtitle={t('catalog.subtitle')}
      actions={
        canWrite ? (
          <button type="button" className="btn btn-primary" onClick={() => setAdding(true)} data-testid="agent-add">
            {t('catalog.add')}
          </button>
        ) : undefined
      }
    >
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <Field id="catalog-search" label={t('catalog.search')}>
          <input
            id="catalog-search"
            type="search"
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setOffset(0);
            }}
            data-testid="catalog-search"
            autoComplete="off"
          />
        </Field>
        <Field id="catalog-status" label={t('common.status')}>
          <select
            id="catalog-status"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as typeof status);
              setOffset(0);
            }}
            data-testid="catalog-status-filter"
          >
            {(['active', 'retired', 'all'] as const).map((s) => (
              <option key={s} value={s}>
                {te('filter', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="catalog-subnucleus" label={t('agents.subnucleus')}>
          <select
            id="catalog-subnucleus"
            value={subnucleus}
            onChange={(e) => setSubnucleus(e.target.value)}
            data-testid="catalog-subnucleus-filter"
          >
            <option value="">{t('filter.all')}</option>
            {SUBNUCLEI.map((s) => (
              <option key={s} value={s}>
                {te('subnucleus', s)}
              </option>
            ))}
          </select>
        </Field>
      </form>
      <PagedQueryView
        query={q}
        isEmpty={() => rows.length === 0}
        emptyText={t('catalog.none')}
        limit={PAGE}
        offset={offset}
        onOffset={setOffset}
      >
        {() => (
          <DataTable
            label={t('catalog.title')}
            testId="catalog-table"
            rows={rows}
            rowKey={(a) => a.id}
            rowAttributes={(a) => ({ 'data-testid': 'catalog-row', 'data-agent-id': a.id, 'data-status': a.status })}
            columns={[
              {
                header: t('agents.name'),
                rowHeader: true,
                cell: (a) => (
                  <>
                    {a.name}
                    {a.description ? <div className="muted small">{a.description}</div> : null}
                  </>
                ),
              },
              { header: t('agents.subnucleus'), cell: (a) => te('subnucleus', a.subnucleus) },
              { header: t('tenant.segment'), cell: (a) => te('segment', a.segment) },
              { header: t('common.status'), cell: (a) => <Badge prefix="catalogStatus" value={a.status} /> },
              {
                header: t('catalog.price'),
                align: 'right',
                cell: (a) => formatMoney(priceValue(a.price_monthly), lang),
              },
              { header: t('catalog.deployed'), align: 'right', cell: (a) => formatNumber(a.deployed_count, lang) },
              {
                header: t('tenant.updatedAt'),
                className: 'nowrap',
                cell: (a) => formatDateTime(a.updated_at ?? a.created_at, lang),
              },
              canWrite && {
                header: t('common.actions'),
                cell: (a) => (
                  <div className="row-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setEditing(a)}
                      data-testid="agent-edit"
                    >
                      {t('form.edit')}
                    </button>
                    {a.status === 'retired' ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => void setRetired(a, false)}
                        data-testid="agent-unretire"
                      >
                        {t('catalog.unretire')}
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={() => setRetiring(a)}
                        data-testid="agent-retire"
                      >
                        {t('catalog.retire')}
                      </button>
                    )}
                  </div>
                ),
              },
            ]}
          />
        )}
      </PagedQueryView>
      {adding ? <AgentDialog agent={null} open onClose={() => setAdding(false)} /> : null}
      {editing ? <AgentDialog key={editing.id} agent={editing} open onClose={() => setEditing(null)} /> : null}
      <ConfirmDialog
        open={retiring !== null}
        danger
        title={t('catalog.retireTitle', { name: retiring?.name ?? '' })}
        confirmLabel={t('catalog.retire')}
        onCancel={() => setRetiring(null)}
        onConfirm={() => {
          const a = retiring;
          setRetiring(null);
          if (a) void setRetired(a, true);
        }}
      >
        <p>{t('catalog.retireBody')}</p>
      </ConfirmDialog>
    </Page>
  );
}

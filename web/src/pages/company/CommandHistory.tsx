import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { currentParams, readFilters, writeFilters } from '../../lib/urlFilters';
import { useCancelCommand, useCommandList, useTenantDetail } from '../../api/hooks';
import type { Command } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import {
  COMMAND_STATUSES,
  COMMAND_TYPES,
  commandSummary,
  describeParams,
  describeResult,
  isCancellable,
  type NameSource,
} from '../../lib/commands';
import { resultSummary } from '../../lib/commandResult';
import { formatDateTime } from '../../lib/format';
import { hasKey } from '../../i18n/translate';
import { Card, Empty, Field, Pagination, QueryView, TableWrap } from '../../components/ui';
import { ExportCsvButton } from '../../components/ExportCsv';
import { TenantPicker } from '../../components/TenantPicker';
import { CommandStatusCell, useLiveCommand } from './CommandStatusCell';

const LIMIT = 20;

/** Who created it: e-mail or name when the server sends them, else the role and a short user id. */
export function CreatedBy({ command: c }: { command: Command }) {
  const { te } = useI18n();
  const who = c.created_by_name || c.created_by_email || (c.created_by?.includes('@') ? c.created_by : null);
  if (who) return <span title={c.created_by ?? undefined}>{who}</span>;
  if (!c.created_by) return <>—</>;
  return (
    <span title={c.created_by}>
      {c.created_by_role ? <div>{te('role', c.created_by_role)}</div> : null}
      <code className="muted">{c.created_by.slice(0, 8)}…</code>
    </span>
  );
}

/** Parameters or a result as "label: name" lines (ids resolved through the tenant's detail), not JSON. */
export function NamedValues({ items, testId }: { items: { key: string; value: string }[]; testId: string }) {
  const { t } = useI18n();
  const label = (k: string) => {
    const key = `commands.param.${k}`;
    return hasKey(key) ? t(key) : k;
  };
  return (
    <dl className="facts facts-compact small" data-testid={testId}>
      {items.map((i) => (
        <div key={i.key}>
          <dt>{label(i.key)}</dt>
          <dd>{i.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Row({ command }: { command: Command }) {
  const { t, te, lang } = useI18n();
  const c = useLiveCommand(command);
  const cancel = useCancelCommand();
  // The tenant's detail (agents, integrations, users) names the ids, once the details are opened.
  const [open, setOpen] = useState(false);
  const detail = useTenantDetail(open && c.tenant_id ? c.tenant_id : null);
  const names: NameSource | undefined = detail.data;
  const out = describeResult(c.result, names);
  // The structured result in the page's language, with names; the original's English
  // `output` only for a shape the UI does not know.
  const summary = c.error_message || resultSummary(c.command_type, c.result, t, te, names) || commandSummary(c);
  const params = describeParams(c.parameters, names);
  return (
    <tr data-testid="command-row" data-command-id={c.command_id}>
      <td className="nowrap">{formatDateTime(c.created_at, lang)}</td>
      <th scope="row">{te('commandType', c.command_type)}</th>
      <td>
        {c.tenant_id ? (
          <Link to={`/app/company/tenants/${encodeURIComponent(c.tenant_id)}`}>{c.tenant_name ?? c.tenant_id}</Link>
        ) : (
          t('commands.allTenants')
        )}
      </td>
      <td>
        <CommandStatusCell command={command} />
      </td>
      <td className="small">
        <CreatedBy command={c} />
      </td>
      <td>
        {summary ? (
          <div className="small command-summary" data-testid="command-summary">
            {summary}
          </div>
        ) : null}
        {out.length || params.length || c.error_message || c.decision_reason ? (
          <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
            <summary>{t('commands.details')}</summary>
            {params.length ? (
              <>
                <div className="muted small">{t('commands.parameters')}</div>
                <NamedValues items={params} testId="command-params" />
              </>
            ) : null}
            {c.error_message ? <p className="error-text">{c.error_message}</p> : null}
            {c.decision_reason ? (
              <p className="muted small" data-testid="command-decision-reason">
                {t('commands.decisionReason')}: {c.decision_reason}
              </p>
            ) : null}
            {out.length ? <NamedValues items={out} testId="command-output" /> : null}
          </details>
        ) : summary ? null : (
          '—'
        )}
        {isCancellable(c.status) ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => cancel.mutate(c.command_id)}
            disabled={cancel.isPending}
            data-testid="command-cancel"
          >
            {t('commands.cancel')}
          </button>
        ) : null}
      </td>
    </tr>
  );
}

/** The history's filters in the URL (`?status=&command_type=&tenant_id=&offset=`), as on every list. */
const DEFAULTS = { status: 'all', command_type: '', tenant_id: '' };

export function CommandHistory() {
  const { t, te } = useI18n();
  const [params, setParams] = useSearchParams();
  const { status, command_type: type, tenant_id: tenantId, offset } = readFilters(params, DEFAULTS);
  const set = (patch: Partial<typeof DEFAULTS> & { offset?: number }) =>
    setParams(writeFilters(currentParams(), DEFAULTS, patch), { replace: true });
  const setOffset = (o: number) => set({ offset: o });
  const q = useCommandList({
    status,
    command_type: type || undefined,
    tenant_id: tenantId || undefined,
    limit: LIMIT,
    offset,
  });

  return (
    <Card title={t('commands.history')} testId="command-history">
      <div className="filters">
        <Field id="h-status" label={t('common.status')}>
          <select
            id="h-status"
            value={status}
            onChange={(e) => set({ status: e.target.value })}
            data-testid="history-status-filter"
          >
            <option value="all">{t('filter.all')}</option>
            {COMMAND_STATUSES.map((s) => (
              <option key={s} value={s}>
                {te('commandStatus', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="h-type" label={t('commands.type')}>
          <select
            id="h-type"
            value={type}
            onChange={(e) => set({ command_type: e.target.value })}
            data-testid="history-type-filter"
          >
            <option value="">{t('filter.all')}</option>
            {COMMAND_TYPES.map((ct) => (
              <option key={ct} value={ct}>
                {te('commandType', ct)}
              </option>
            ))}
          </select>
        </Field>
        <TenantPicker
          id="h-tenant"
          label={t('common.tenant')}
          value={tenantId}
          onChange={(v) => set({ tenant_id: v })}
          allowEmpty
          emptyLabel={t('filter.all')}
          testId="history-tenant-filter"
        />
        <ExportCsvButton
          path="/internal/operations/commands"
          filters={{ status, command_type: type || undefined, tenant_id: tenantId || undefined }}
          fallbackName="painel-commands.csv"
          testId="history-export"
        />
      </div>
      <QueryView query={q}>
        {(d) =>
          d.commands.length === 0 ? (
            <Empty>{t('commands.none')}</Empty>
          ) : (
            <>
              <TableWrap label={t('commands.history')} testId="command-history-table">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">{t('commands.createdAt')}</th>
                      <th scope="col">{t('commands.type')}</th>
                      <th scope="col">{t('common.tenant')}</th>
                      <th scope="col">{t('common.status')}</th>
                      <th scope="col">{t('commands.createdBy')}</th>
                      <th scope="col">{t('commands.result')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.commands.map((c) => (
                      <Row key={c.command_id} command={c} />
                    ))}
                  </tbody>
                </table>
              </TableWrap>
              <Pagination total={d.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
            </>
          )
        }
      </QueryView>
    </Card>
  );
}

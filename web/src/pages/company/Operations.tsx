import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useAuth } from '../../auth/AuthProvider';
import type { Command } from '../../api/types';
import { useI18n } from '../../i18n/I18nProvider';
import { commandTypesFor, describeResult, isLiveStatus } from '../../lib/commands';
import { resultSummary } from '../../lib/commandResult';
import { formatDateTime } from '../../lib/format';
import { useTenantDetail } from '../../api/hooks';
import { Card, Page } from '../../components/ui';
import { CommandForm } from './CommandForm';
import { ApprovalQueue } from './ApprovalQueue';
import { CommandHistory, NamedValues } from './CommandHistory';
import { CommandStatusCell, useLiveCommand } from './CommandStatusCell';

function LastCommand({ command }: { command: Command }) {
  const { t, te, lang } = useI18n();
  const c = useLiveCommand(command);
  const detail = useTenantDetail(c.tenant_id && c.result ? c.tenant_id : null);
  const out = describeResult(c.result, detail.data);
  // In the page's language with names; the original's English `output` only as a fallback.
  const summary =
    c.status === 'SUCCESS' ? resultSummary(c.command_type, c.result, t, te, detail.data) || c.output : null;
  return (
    <div className="last-command" data-testid="last-command" data-command-id={c.command_id} aria-live="polite">
      <dl className="facts facts-compact">
        <div>
          <dt>{t('commands.type')}</dt>
          <dd>{te('commandType', c.command_type)}</dd>
        </div>
        <div>
          <dt>{t('common.status')}</dt>
          <dd>
            <CommandStatusCell command={command} testId="last-command-status" />
          </dd>
        </div>
        <div>
          <dt>{t('commands.id')}</dt>
          <dd>
            <code className="small">{c.command_id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('commands.createdAt')}</dt>
          <dd>{formatDateTime(c.created_at, lang)}</dd>
        </div>
        {c.completed_at ? (
          <div>
            <dt>{t('commands.completedAt')}</dt>
            <dd>{formatDateTime(c.completed_at, lang)}</dd>
          </div>
        ) : null}
      </dl>
      {isLiveStatus(c.status) ? <p className="muted small">{t('commands.liveHint')}</p> : null}
      {c.error_message ? (
        <p className="error-text" data-testid="last-command-error">
          {c.error_message}
        </p>
      ) : null}
      {summary ? (
        <p className="command-summary" data-testid="last-command-summary">
          {summary}
        </p>
      ) : null}
      {out.length ? <NamedValues items={out} testId="last-command-output" /> : null}
    </div>
  );
}

export default function Operations() {
  const { t } = useI18n();
  const { role } = useAuth();
  const [params] = useSearchParams();
  const initialTenant = params.get('tenant_id') ?? '';
  const [last, setLast] = useState<Command | null>(null);
  const types = commandTypesFor(role);

  return (
    <Page testId="page-operations" title={t('operations.title')} subtitle={t('operations.subtitle')}>
      <div className="grid-2">
        <Card title={t('operations.newCommand')}>
          <CommandForm types={types} initialTenant={initialTenant} onCreated={setLast} />
        </Card>
        <Card title={t('operations.lastCommand')}>
          {last ? (
            <LastCommand key={last.command_id} command={last} />
          ) : (
            <p className="muted">{t('operations.noLast')}</p>
          )}
        </Card>
      </div>
      <ApprovalQueue />
      <CommandHistory />
    </Page>
  );
}

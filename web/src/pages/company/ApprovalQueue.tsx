import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useApproveCommand, useAwaitingApproval, useRejectCommand, useTenantDetail } from '../../api/hooks';
import { describeRefusal } from '../../api/errors';
import type { Command } from '../../api/types';
import { useAuth } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n/I18nProvider';
import { canDecide, describeParams } from '../../lib/commands';
import { formatDateTime } from '../../lib/format';
import { pushToast } from '../../lib/toasts';
import { Badge, Card, useModal } from '../../components/ui';
import { DataTable } from '../../components/DataTable';
import { CreatedBy, NamedValues } from './CommandHistory';

/** Asks for the reason of a rejection (required by POST …/reject {"reason"}). */
function RejectDialog({ command, onClose }: { command: Command; onClose: () => void }) {
  const { t, te } = useI18n();
  const ref = useModal(true);
  const reject = useRejectCommand();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const type = te('commandType', command.command_type);
  const submit = () => {
    const r = reason.trim();
    if (!r) {
      setMissing(true);
      return;
    }
    reject.mutate(
      { id: command.command_id, reason: r },
      {
        onSuccess: () => {
          pushToast('success', t('approvals.rejected', { type }));
          onClose();
        },
      },
    );
  };
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="reject-title"
      data-testid="reject-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2 id="reject-title">{t('approvals.rejectTitle', { type })}</h2>
        <div className="dialog-body">
          <div className={`field ${missing ? 'field-invalid' : ''}`}>
            <label htmlFor="reject-reason">{t('approvals.reason')}</label>
            <textarea
              id="reject-reason"
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                setMissing(false);
              }}
              aria-invalid={missing || undefined}
              aria-describedby={missing ? 'reject-reason-error' : undefined}
              maxLength={500}
              autoFocus
              data-testid="reject-reason"
            />
            {missing ? (
              <div className="field-error" id="reject-reason-error" role="alert">
                {t('approvals.reasonRequired')}
              </div>
            ) : null}
          </div>
          {reject.error ? (
            <div className="notice notice-error" role="alert" data-testid="reject-error">
              {describeRefusal(reject.error, t)}
            </div>
          ) : null}
        </div>
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-testid="reject-cancel">
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-danger" disabled={reject.isPending} data-testid="reject-ok">
            {t('approvals.reject')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** The command and what it targets, by name: whoever approves must see it, not an id. */
function CommandCell({ command: c }: { command: Command }) {
  const { te } = useI18n();
  const hasParams = !!c.parameters && Object.keys(c.parameters).length > 0;
  const detail = useTenantDetail(hasParams && c.tenant_id ? c.tenant_id : null);
  const params = describeParams(c.parameters, detail.data);
  return (
    <>
      {te('commandType', c.command_type)}
      {params.length ? <NamedValues items={params} testId="approval-params" /> : null}
    </>
  );
}

/** Approve, or Reject with its reason; the server's refusal (one's own command) below. */
function DecisionCell({ command: c }: { command: Command }) {
  const { t, te } = useI18n();
  const approve = useApproveCommand();
  const [rejecting, setRejecting] = useState(false);
  return (
    <>
      <div className="row-actions">
        <button
          type="button"
          className="btn btn-small btn-primary"
          disabled={approve.isPending}
          onClick={() =>
            approve.mutate(c.command_id, {
              onSuccess: () =>
                pushToast('success', t('approvals.approved', { type: te('commandType', c.command_type) })),
            })
          }
          data-testid="approval-approve"
        >
          {t('approvals.approve')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger"
          onClick={() => setRejecting(true)}
          data-testid="approval-reject"
        >
          {t('approvals.reject')}
        </button>
      </div>
      {approve.error ? (
        <p className="notice notice-error small" role="alert" data-testid="approval-error">
          {describeRefusal(approve.error, t)}
        </p>
      ) : null}
      {rejecting ? <RejectDialog command={c} onClose={() => setRejecting(false)} /> : null}
    </>
  );
}

/**
 * The four-eyes queue (serve --require-approval): commands AWAITING_APPROVAL, with Approve
 * and Reject for INTERNAL_ADMIN. Hidden while empty (and when the option is off).
 */
export function ApprovalQueue() {
  const { t, lang } = useI18n();
  const { role } = useAuth();
  const q = useAwaitingApproval();
  const commands = (q.data?.commands ?? []).filter((c) => c.status === 'AWAITING_APPROVAL');
  if (!commands.length) return null;
  const canAct = canDecide(role, 'AWAITING_APPROVAL');
  return (
    <Card title={t('approvals.title')} testId="approval-queue">
      <p className="muted small">{t('approvals.hint')}</p>
      <DataTable
        label={t('approvals.title')}
        testId="approval-table"
        rows={commands}
        rowKey={(c) => c.command_id}
        rowAttributes={(c) => ({ 'data-testid': 'approval-row', 'data-command-id': c.command_id })}
        columns={[
          { header: t('commands.createdAt'), className: 'nowrap', cell: (c) => formatDateTime(c.created_at, lang) },
          { header: t('commands.type'), rowHeader: true, cell: (c) => <CommandCell command={c} /> },
          {
            header: t('common.tenant'),
            cell: (c) =>
              c.tenant_id ? (
                <Link to={`/app/company/tenants/${encodeURIComponent(c.tenant_id)}`}>
                  {c.tenant_name ?? c.tenant_id}
                </Link>
              ) : (
                t('commands.allTenants')
              ),
          },
          { header: t('commands.createdBy'), className: 'small', cell: (c) => <CreatedBy command={c} /> },
          {
            header: t('common.status'),
            cell: (c) => <Badge prefix="commandStatus" value={c.status} testId="approval-status" />,
          },
          canAct && {
            key: 'decision',
            header: (
              <span className="sr-only">
                {t('approvals.approve')} / {t('approvals.reject')}
              </span>
            ),
            cell: (c) => <DecisionCell command={c} />,
          },
        ]}
      />
    </Card>
  );
}

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
import { Badge, Card, TableWrap, useModal } from '../../components/ui';
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

function QueueRow({ command: c, canAct }: { command: Command; canAct: boolean }) {
  const { t, te, lang } = useI18n();
  const approve = useApproveCommand();
  const [rejecting, setRejecting] = useState(false);
  // Whoever approves must see what is targeted by name, not by id.
  const hasParams = !!c.parameters && Object.keys(c.parameters).length > 0;
  const detail = useTenantDetail(hasParams && c.tenant_id ? c.tenant_id : null);
  const params = describeParams(c.parameters, detail.data);
  return (
    <tr data-testid="approval-row" data-command-id={c.command_id}>
      <td className="nowrap">{formatDateTime(c.created_at, lang)}</td>
      <th scope="row">
        {te('commandType', c.command_type)}
        {params.length ? <NamedValues items={params} testId="approval-params" /> : null}
      </th>
      <td>
        {c.tenant_id ? (
          <Link to={`/app/company/tenants/${encodeURIComponent(c.tenant_id)}`}>{c.tenant_name ?? c.tenant_id}</Link>
        ) : (
          t('commands.allTenants')
        )}
      </td>
      <td className="small">
        <CreatedBy command={c} />
      </td>
      <td>
        <Badge prefix="commandStatus" value={c.status} testId="approval-status" />
      </td>
      {canAct ? (
        <td>
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
        </td>
      ) : null}
    </tr>
  );
}

/**
 * The four-eyes queue (serve --require-approval): commands AWAITING_APPROVAL, with Approve
 * and Reject for INTERNAL_ADMIN. Hidden while empty (and when the option is off).
 */
export function ApprovalQueue() {
  const { t } = useI18n();
  const { role } = useAuth();
  const q = useAwaitingApproval();
  const commands = (q.data?.commands ?? []).filter((c) => c.status === 'AWAITING_APPROVAL');
  if (!commands.length) return null;
  const canAct = canDecide(role, 'AWAITING_APPROVAL');
  return (
    <Card title={t('approvals.title')} testId="approval-queue">
      <p className="muted small">{t('approvals.hint')}</p>
      <TableWrap label={t('approvals.title')} testId="approval-table">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('commands.createdAt')}</th>
              <th scope="col">{t('commands.type')}</th>
              <th scope="col">{t('common.tenant')}</th>
              <th scope="col">{t('commands.createdBy')}</th>
              <th scope="col">{t('common.status')}</th>
              {canAct ? (
                <th scope="col">
                  <span className="sr-only">
                    {t('approvals.approve')} / {t('approvals.reject')}
                  </span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {commands.map((c) => (
              <QueueRow key={c.command_id} command={c} canAct={canAct} />
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Card>
  );
}

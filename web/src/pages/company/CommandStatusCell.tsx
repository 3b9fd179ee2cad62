import { useEffect, useRef } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useCommand } from '../../api/hooks';
import { invalidateAfterWrite } from '../../api/queryClient';
import type { Command } from '../../api/types';
import { isLiveStatus } from '../../lib/commands';
import { Badge } from '../../components/ui';

/**
 * A command's status that keeps itself current: while the command is PENDING or RUNNING
 * it polls GET /internal/operations/commands/{id} every second, and when it settles the
 * lists that show it are refreshed.
 */
export function useLiveCommand(command: Command): Command {
  const live = isLiveStatus(command.status);
  const q = useCommand(live ? command.command_id : null, command);
  const qc = useQueryClient();
  const current = live && q.data ? q.data : command;
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !isLiveStatus(current.status)) {
      void invalidateAfterWrite(qc, { queryKey: ['/internal/operations/commands'] });
      void invalidateAfterWrite(qc, { queryKey: [`/internal/tenants/${encodeURIComponent(current.tenant_id ?? '')}`] });
    }
    wasLive.current = isLiveStatus(current.status);
  }, [current.status, current.tenant_id, qc]);
  return current;
}

export function CommandStatusCell({ command, testId = 'command-status' }: { command: Command; testId?: string }) {
  const c = useLiveCommand(command);
  return (
    <span className="command-status" data-testid={testId} data-command-id={c.command_id} data-status={c.status}>
      <Badge prefix="commandStatus" value={c.status} />
      {isLiveStatus(c.status) ? <span className="spinner spinner-sm" aria-hidden="true" /> : null}
    </span>
  );
}

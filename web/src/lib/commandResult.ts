// The history's "Resultado" line, written from the command's structured `result` in the
// UI's language with names, not from `output` (the original-compatible one-line summary,
// in English, with UUIDs). Mirrors the server's domain/command_output.cpp shapes; falls
// back to `output` for a shape it does not know.
import type { MessageKey } from '../i18n/messages';
import type { Vars } from '../i18n/translate';
import { nameOf, type NameSource } from './commands';

export type Tr = (key: MessageKey, vars?: Vars) => string;

type Obj = Record<string, unknown>;

const str = (o: Obj, k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const num = (o: Obj, ...ks: string[]): number | undefined => {
  for (const k of ks) if (typeof o[k] === 'number' && Number.isFinite(o[k])) return o[k] as number;
  return undefined;
};
const len = (o: Obj, k: string): number => (Array.isArray(o[k]) ? (o[k] as unknown[]).length : 0);

/** "1 dia" / "3 dias": the count and the noun in the language's number. */
export function counted(
  tr: Tr,
  noun: 'day' | 'event' | 'row' | 'agent' | 'integration' | 'tenant' | 'problem' | 'incident' | 'entry',
  n: number,
): string {
  return tr(`cmdResult.n.${noun}.${n === 1 ? 'one' : 'many'}` as MessageKey, { n });
}

/** A short id for something the names do not cover: "08422064…". */
function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function statusText(te: (prefix: string, v: string) => string, o: Obj): string {
  const after = str(o, 'status');
  const before = str(o, 'previous_status');
  const a = after ? te('status', after) : '?';
  return before && before !== after ? `${te('status', before)} → ${a}` : a;
}

function named(
  kind: 'agent_id' | 'integration_id' | 'user_id' | 'incident_id',
  o: Obj,
  names: NameSource | null | undefined,
  ownName?: string,
): string {
  const id = str(o, kind);
  if (ownName) return ownName;
  if (!id) return '?';
  return nameOf(kind, id, names) ?? shortId(id);
}

/**
 * The result of a finished command as one line in the UI's language, or null when there is
 * nothing structured to say (the caller then shows `error_message` or `output`).
 */
export function resultSummary(
  type: string,
  result: unknown,
  tr: Tr,
  te: (prefix: string, v: string) => string,
  names?: NameSource | null,
): string | null {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) return null;
  const o = result as Obj;
  switch (type) {
    case 'REPROCESS_QUEUE': {
      const days = num(o, 'days_processed', 'days') ?? 0;
      const scope = tr(str(o, 'scope') === 'all_tenants' ? 'cmdResult.reprocess.all' : 'cmdResult.reprocess.tenant');
      if (days === 0) return tr('cmdResult.reprocess.none', { scope });
      const from = str(o, 'from');
      const to = str(o, 'to');
      const range = from && to ? ` (${from === to ? from : `${from} – ${to}`})` : '';
      return tr('cmdResult.reprocess.done', {
        scope,
        days: counted(tr, 'day', days),
        range,
        events: counted(tr, 'event', num(o, 'events') ?? 0),
        rows: counted(tr, 'row', num(o, 'rows_written', 'rows') ?? 0),
      });
    }
    case 'RESET_TOKEN': {
      if (str(o, 'user_id'))
        return tr('cmdResult.resetUser', { user: named('user_id', o, names), n: num(o, 'sessions_revoked') ?? 0 });
      const cleared = o.credential_cleared === true ? tr('cmdResult.credentialCleared') : '';
      return tr('cmdResult.resetIntegration', { name: named('integration_id', o, names, str(o, 'name')), cleared });
    }
    case 'RESTART_AGENT': {
      const n = num(o, 'restart_count');
      return tr('cmdResult.restarted', {
        name: named('agent_id', o, names, str(o, 'name')),
        count: n !== undefined ? tr('cmdResult.restartCount', { n }) : '',
        status: statusText(te, o),
      });
    }
    case 'PAUSE_AGENT':
    case 'RESUME_AGENT':
      return tr(type === 'PAUSE_AGENT' ? 'cmdResult.paused' : 'cmdResult.resumed', {
        name: named('agent_id', o, names, str(o, 'name')),
        status: statusText(te, o),
      });
    case 'HEALTH_CHECK': {
      const checked = num(o, 'tenants_checked');
      if (checked !== undefined)
        return tr('cmdResult.health.global', {
          tenants: counted(tr, 'tenant', checked),
          degraded: num(o, 'tenants_degraded') ?? 0,
          incidents: counted(tr, 'incident', num(o, 'incidents_opened') ?? 0),
        });
      if (!('healthy' in o))
        return tr('cmdResult.health.summary', {
          agents: counted(tr, 'agent', num(o, 'agents_checked') ?? 0),
          degraded: num(o, 'agents_degraded') ?? 0,
          incident: o.incident_opened === true ? tr('cmdResult.health.incidentOpenedShort') : '',
        });
      const what = tr('cmdResult.health.checked', {
        agents: counted(tr, 'agent', len(o, 'agents')),
        integrations: counted(tr, 'integration', len(o, 'integrations')),
      });
      if (o.healthy === true) return tr('cmdResult.health.healthy', { checked: what });
      const incidentId = str(o, 'incident_id');
      const incident = incidentId
        ? tr(o.incident_opened === true ? 'cmdResult.health.incidentOpened' : 'cmdResult.health.incidentAlreadyOpen', {
            title: named('incident_id', o, names),
          })
        : '';
      return tr('cmdResult.health.degraded', {
        problems: counted(tr, 'problem', len(o, 'problems')),
        checked: what,
        incident,
      });
    }
    case 'RESOLVE_INCIDENT':
      return tr(
        str(o, 'previous_status') === 'resolved' ? 'cmdResult.incidentAlreadyResolved' : 'cmdResult.incidentResolved',
        {
          title: named('incident_id', o, names),
        },
      );
    case 'FLUSH_TENANT_CACHE': {
      const n = num(o, 'entries_removed', 'keys_dropped');
      return tr('cmdResult.flushed', {
        entries: n !== undefined ? tr('cmdResult.flushedEntries', { entries: counted(tr, 'entry', n) }) : '',
      });
    }
    case 'SUSPEND_TENANT':
    case 'REACTIVATE_TENANT':
      return tr(type === 'SUSPEND_TENANT' ? 'cmdResult.suspended' : 'cmdResult.reactivated', {
        status: statusText(te, o),
      });
    default:
      return null;
  }
}

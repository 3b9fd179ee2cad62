// The operational command types of API.md: their parameters, who may create them and
// which ones need a confirmation. Pure, so the console's validation is unit-tested.

import type { CommandStatus, Role } from '../api/types';

export const COMMAND_TYPES = [
  'HEALTH_CHECK',
  'REPROCESS_QUEUE',
  'RESTART_AGENT',
  'RESET_TOKEN',
  'RESOLVE_INCIDENT',
  'FLUSH_TENANT_CACHE',
  'SUSPEND_TENANT',
  'REACTIVATE_TENANT',
  'PAUSE_AGENT',
  'RESUME_AGENT',
] as const;

export type CommandType = (typeof COMMAND_TYPES)[number];

export const COMMAND_STATUSES: CommandStatus[] = [
  'AWAITING_APPROVAL',
  'PENDING',
  'RUNNING',
  'SUCCESS',
  'ERROR',
  'CANCELLED',
];

/** Badge tone per status (components/ui Badge); AWAITING_APPROVAL has its own (warn). */
export const COMMAND_STATUS_TONES: Record<CommandStatus, 'ok' | 'info' | 'warn' | 'bad' | 'muted'> = {
  AWAITING_APPROVAL: 'warn',
  PENDING: 'info',
  RUNNING: 'info',
  SUCCESS: 'ok',
  ERROR: 'bad',
  CANCELLED: 'muted',
};

/** Waiting for a second INTERNAL_ADMIN (four-eyes approval); not polled, not run. */
export function isAwaitingApproval(status: string | null | undefined): boolean {
  return status === 'AWAITING_APPROVAL';
}

/** Who may cancel: the server accepts it while the command has not started. */
export function isCancellable(status: string | null | undefined): boolean {
  return status === 'PENDING' || status === 'AWAITING_APPROVAL';
}

/** Approve/reject buttons: INTERNAL_ADMIN only, on a command awaiting approval (the server refuses the creator with 403). */
export function canDecide(role: Role | string | null | undefined, status: string | null | undefined): boolean {
  return role === 'INTERNAL_ADMIN' && isAwaitingApproval(status);
}

export type ParamName = 'from' | 'to' | 'agent_id' | 'integration_id' | 'user_id' | 'incident_id';
export type ParamKind = 'date' | 'agent' | 'integration' | 'user' | 'incident';

export interface ParamSpec {
  name: ParamName;
  kind: ParamKind;
  required: boolean;
}

export interface CommandSpec {
  type: CommandType;
  params: ParamSpec[];
  /** Exactly one of these parameters must be given (RESET_TOKEN's target). */
  exactlyOneOf?: ParamName[];
  destructive: boolean;
  adminOnly: boolean;
  tenant: 'required' | 'optional';
}

const spec = (
  type: CommandType,
  params: ParamSpec[],
  o: Partial<Pick<CommandSpec, 'exactlyOneOf' | 'destructive' | 'adminOnly' | 'tenant'>> = {},
): CommandSpec => ({
  type,
  params,
  exactlyOneOf: o.exactlyOneOf,
  destructive: o.destructive ?? false,
  adminOnly: o.adminOnly ?? false,
  tenant: o.tenant ?? 'required',
});

const agent: ParamSpec = { name: 'agent_id', kind: 'agent', required: true };

export const COMMAND_SPECS: Record<CommandType, CommandSpec> = {
  HEALTH_CHECK: spec('HEALTH_CHECK', [], { tenant: 'optional' }),
  REPROCESS_QUEUE: spec('REPROCESS_QUEUE', [
    { name: 'from', kind: 'date', required: false },
    { name: 'to', kind: 'date', required: false },
  ]),
  RESTART_AGENT: spec('RESTART_AGENT', [agent]),
  RESET_TOKEN: spec(
    'RESET_TOKEN',
    [
      { name: 'integration_id', kind: 'integration', required: false },
      { name: 'user_id', kind: 'user', required: false },
    ],
    { exactlyOneOf: ['integration_id', 'user_id'], destructive: true },
  ),
  RESOLVE_INCIDENT: spec('RESOLVE_INCIDENT', [{ name: 'incident_id', kind: 'incident', required: true }]),
  FLUSH_TENANT_CACHE: spec('FLUSH_TENANT_CACHE', []),
  SUSPEND_TENANT: spec('SUSPEND_TENANT', [], { destructive: true, adminOnly: true }),
  REACTIVATE_TENANT: spec('REACTIVATE_TENANT', [], { adminOnly: true }),
  PAUSE_AGENT: spec('PAUSE_AGENT', [agent], { destructive: true, adminOnly: true }),
  RESUME_AGENT: spec('RESUME_AGENT', [agent], { adminOnly: true }),
};

export function isCommandType(v: string): v is CommandType {
  return (COMMAND_TYPES as readonly string[]).includes(v);
}

/** The types a role may create: admins all of them, support the non-destructive "both" ones. */
export function commandTypesFor(role: Role | string | null | undefined): CommandType[] {
  if (role === 'INTERNAL_ADMIN') return [...COMMAND_TYPES];
  if (role === 'INTERNAL_SUPPORT') return COMMAND_TYPES.filter((t) => !COMMAND_SPECS[t].adminOnly);
  return [];
}

export function isLiveStatus(status: string | null | undefined): boolean {
  return status === 'PENDING' || status === 'RUNNING';
}

export type CommandFormError = 'tenantRequired' | 'paramRequired' | 'exactlyOne' | 'badDate' | 'dateOrder';

export interface CommandBody {
  command_type: CommandType;
  tenant_id?: string;
  parameters: Record<string, string>;
}

export type BuildResult =
  | { ok: true; body: CommandBody }
  | { ok: false; errors: { field: ParamName | 'tenant_id' | 'target'; error: CommandFormError }[] };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Validates the form values and builds the POST /internal/operations/commands body. */
export function buildCommandBody(
  type: CommandType,
  tenantId: string,
  values: Partial<Record<ParamName, string>>,
): BuildResult {
  const s = COMMAND_SPECS[type];
  const errors: { field: ParamName | 'tenant_id' | 'target'; error: CommandFormError }[] = [];
  const tenant = tenantId.trim();
  if (s.tenant === 'required' && !tenant) errors.push({ field: 'tenant_id', error: 'tenantRequired' });

  const parameters: Record<string, string> = {};
  for (const p of s.params) {
    const v = (values[p.name] ?? '').trim();
    if (!v) {
      if (p.required) errors.push({ field: p.name, error: 'paramRequired' });
      continue;
    }
    if (p.kind === 'date' && !DAY.test(v)) {
      errors.push({ field: p.name, error: 'badDate' });
      continue;
    }
    parameters[p.name] = v;
  }
  if (s.exactlyOneOf) {
    const given = s.exactlyOneOf.filter((n) => parameters[n]);
    if (given.length !== 1) errors.push({ field: 'target', error: 'exactlyOne' });
  }
  if (parameters.from && parameters.to && parameters.from > parameters.to) {
    errors.push({ field: 'to', error: 'dateOrder' });
  }
  if (errors.length) return { ok: false, errors };
  const body: CommandBody = { command_type: type, parameters };
  if (tenant) body.tenant_id = tenant;
  return { ok: true, body };
}

/**
 * The one line a command's history shows, as the original's table did
 * (`error_message || output`): the error of a failed command, else its summary, else ''.
 */
export function commandSummary(c: { output?: string | null; error_message?: string | null }): string {
  return c.error_message || (typeof c.output === 'string' ? c.output : '') || '';
}

/** What a tenant's detail offers to name a command's targets (GET /internal/tenants/{id}). */
export interface NameSource {
  tenant?: { name?: string };
  agents?: { id: string; name: string }[];
  integrations?: { id: string; name: string }[];
  users?: { id: string; email: string; full_name?: string | null }[];
  recent_incidents?: { id: string; title: string }[];
}

/** The name of the object a parameter points at, or null when the detail does not list it. */
export function nameOf(param: string, id: string, src: NameSource | null | undefined): string | null {
  if (!src) return null;
  switch (param) {
    case 'agent_id':
      return src.agents?.find((a) => a.id === id)?.name ?? null;
    case 'integration_id':
      return src.integrations?.find((i) => i.id === id)?.name ?? null;
    case 'user_id': {
      const u = src.users?.find((x) => x.id === id);
      return u ? (u.full_name ? `${u.full_name} <${u.email}>` : u.email) : null;
    }
    case 'incident_id':
      return src.recent_incidents?.find((i) => i.id === id)?.title ?? null;
    default:
      return null;
  }
}

/**
 * What a destructive confirmation names: the tenant for SUSPEND_TENANT, the agent for
 * PAUSE_AGENT, the integration or user for RESET_TOKEN ("Suspender Transportadora
 * Primavera Ltda?"); falls back to the id when the name is not known.
 */
export function confirmTarget(
  body: CommandBody,
  src: NameSource | null | undefined,
  tenantName?: string | null,
): string {
  const tenant = tenantName || src?.tenant?.name || body.tenant_id || '';
  for (const p of ['agent_id', 'integration_id', 'user_id', 'incident_id'] as const) {
    const id = body.parameters[p];
    if (id) return nameOf(p, id, src) ?? id;
  }
  return tenant;
}

/** The command types whose target is the tenant itself. */
export function tenantIsTarget(type: CommandType): boolean {
  return type === 'SUSPEND_TENANT' || type === 'REACTIVATE_TENANT';
}

/**
 * The tenant kept when the command type changes: a tenant picked for one command must not
 * silently become the target of a command that acts on the tenant itself (or the reverse).
 */
export function tenantAfterTypeChange(from: CommandType, to: CommandType, tenantId: string): string {
  return tenantIsTarget(from) || tenantIsTarget(to) ? '' : tenantId;
}

/** A parameter as the history shows it: its name when known, else the value. */
export function describeParams(
  params: Record<string, unknown> | null | undefined,
  src: NameSource | null | undefined,
): { key: string; value: string }[] {
  if (!params) return [];
  return Object.entries(params).map(([key, v]) => {
    const raw = typeof v === 'string' ? v : JSON.stringify(v);
    const named = typeof v === 'string' ? nameOf(key, v, src) : null;
    return { key, value: named ?? raw };
  });
}

/** An element of a result's list: its name or title when it has one (a health check's
 * agents and integrations), not its JSON. */
function itemLabel(x: unknown): string {
  if (x === null || typeof x !== 'object') return String(x);
  const o = x as Record<string, unknown>;
  for (const k of ['name', 'title', 'email', 'id']) if (typeof o[k] === 'string' && o[k]) return o[k] as string;
  return JSON.stringify(x);
}

/**
 * A structured result as lines "key: value" (nested objects as "a.b"), ids resolved to
 * names where the tenant's detail knows them, instead of raw JSON.
 */
export function describeResult(
  result: unknown,
  src?: NameSource | null,
  prefix = '',
): { key: string; value: string }[] {
  if (result === null || result === undefined) return [];
  if (typeof result !== 'object' || Array.isArray(result)) {
    const v = Array.isArray(result) ? result.map(itemLabel).join(', ') || '—' : String(result);
    return [{ key: prefix || '—', value: v }];
  }
  const out: { key: string; value: string }[] = [];
  for (const [k, v] of Object.entries(result as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...describeResult(v, src, key));
    else if (typeof v === 'string') out.push({ key, value: nameOf(k, v, src) ?? v });
    else out.push(...describeResult(v, src, key));
  }
  return out;
}

/** Long-poll seconds per request (the server allows up to 20). */
export const LONG_POLL_SECONDS = 15;

/** The query of one long-poll: hold until the status differs from the one already seen. */
export function longPollQuery(lastStatus: string | null | undefined): Record<string, string | number> {
  return lastStatus ? { wait: LONG_POLL_SECONDS, status_not: lastStatus } : { wait: LONG_POLL_SECONDS };
}

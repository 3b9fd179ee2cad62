import { describe, expect, it } from 'vitest';
import {
  buildCommandBody,
  confirmTarget,
  describeParams,
  describeResult,
  longPollQuery,
  tenantAfterTypeChange,
  canDecide,
  COMMAND_SPECS,
  COMMAND_STATUS_TONES,
  COMMAND_STATUSES,
  COMMAND_TYPES,
  commandSummary,
  commandTypesFor,
  isAwaitingApproval,
  isCancellable,
  isLiveStatus,
} from './commands';
import { en, pt } from '../i18n/messages';

describe('command types', () => {
  it('admins get all ten; support only the non-destructive "both" ones; tenants none', () => {
    expect(commandTypesFor('INTERNAL_ADMIN')).toHaveLength(10);
    expect(commandTypesFor('INTERNAL_SUPPORT').sort()).toEqual(
      [
        'FLUSH_TENANT_CACHE',
        'HEALTH_CHECK',
        'REPROCESS_QUEUE',
        'RESET_TOKEN',
        'RESOLVE_INCIDENT',
        'RESTART_AGENT',
      ].sort(),
    );
    expect(commandTypesFor('TENANT_ADMIN')).toEqual([]);
  });
  it('asks for confirmation exactly for SUSPEND_TENANT, PAUSE_AGENT and RESET_TOKEN', () => {
    expect(COMMAND_TYPES.filter((t) => COMMAND_SPECS[t].destructive).sort()).toEqual([
      'PAUSE_AGENT',
      'RESET_TOKEN',
      'SUSPEND_TENANT',
    ]);
  });
  it('polls only PENDING and RUNNING', () => {
    expect(isLiveStatus('PENDING')).toBe(true);
    expect(isLiveStatus('RUNNING')).toBe(true);
    expect(isLiveStatus('SUCCESS')).toBe(false);
    expect(isLiveStatus('CANCELLED')).toBe(false);
    expect(isLiveStatus('AWAITING_APPROVAL')).toBe(false);
  });
});

describe('AWAITING_APPROVAL (four-eyes approval)', () => {
  it('is a known status with its own label and tone', () => {
    expect(COMMAND_STATUSES).toContain('AWAITING_APPROVAL');
    expect(pt['commandStatus.AWAITING_APPROVAL']).toBe('Aguardando aprovação');
    expect(en['commandStatus.AWAITING_APPROVAL']).toBe('Awaiting approval');
    expect(COMMAND_STATUS_TONES.AWAITING_APPROVAL).toBe('warn');
    const others = COMMAND_STATUSES.filter((s) => s !== 'AWAITING_APPROVAL').map((s) => COMMAND_STATUS_TONES[s]);
    expect(others).not.toContain('warn');
  });
  it('every status has a label in both languages', () => {
    for (const s of COMMAND_STATUSES) {
      expect(pt[`commandStatus.${s}` as keyof typeof pt]).toBeTruthy();
      expect(en[`commandStatus.${s}` as keyof typeof pt]).toBeTruthy();
    }
  });
  it('only INTERNAL_ADMIN decides, and only while awaiting approval', () => {
    expect(isAwaitingApproval('AWAITING_APPROVAL')).toBe(true);
    expect(isAwaitingApproval('PENDING')).toBe(false);
    expect(canDecide('INTERNAL_ADMIN', 'AWAITING_APPROVAL')).toBe(true);
    expect(canDecide('INTERNAL_SUPPORT', 'AWAITING_APPROVAL')).toBe(false);
    expect(canDecide('INTERNAL_ADMIN', 'PENDING')).toBe(false);
  });
  it('can be cancelled before it starts', () => {
    expect(isCancellable('AWAITING_APPROVAL')).toBe(true);
    expect(isCancellable('PENDING')).toBe(true);
    expect(isCancellable('RUNNING')).toBe(false);
  });
});

describe('buildCommandBody', () => {
  it('HEALTH_CHECK works without a tenant', () => {
    expect(buildCommandBody('HEALTH_CHECK', '', {})).toEqual({
      ok: true,
      body: { command_type: 'HEALTH_CHECK', parameters: {} },
    });
    expect(buildCommandBody('HEALTH_CHECK', 't1', {})).toEqual({
      ok: true,
      body: { command_type: 'HEALTH_CHECK', tenant_id: 't1', parameters: {} },
    });
  });
  it('other types need a tenant', () => {
    expect(buildCommandBody('FLUSH_TENANT_CACHE', ' ', {})).toEqual({
      ok: false,
      errors: [{ field: 'tenant_id', error: 'tenantRequired' }],
    });
  });
  it('agent commands need agent_id', () => {
    expect(buildCommandBody('PAUSE_AGENT', 't1', {})).toMatchObject({
      ok: false,
      errors: [{ field: 'agent_id', error: 'paramRequired' }],
    });
    expect(buildCommandBody('RESTART_AGENT', 't1', { agent_id: 'a1' })).toEqual({
      ok: true,
      body: { command_type: 'RESTART_AGENT', tenant_id: 't1', parameters: { agent_id: 'a1' } },
    });
  });
  it('RESET_TOKEN needs exactly one of integration_id and user_id', () => {
    expect(buildCommandBody('RESET_TOKEN', 't1', {})).toMatchObject({
      ok: false,
      errors: [{ field: 'target', error: 'exactlyOne' }],
    });
    expect(buildCommandBody('RESET_TOKEN', 't1', { integration_id: 'i', user_id: 'u' })).toMatchObject({ ok: false });
    expect(buildCommandBody('RESET_TOKEN', 't1', { user_id: 'u' })).toMatchObject({
      ok: true,
      body: { parameters: { user_id: 'u' } },
    });
  });
  it('REPROCESS_QUEUE dates are optional, well formed and in order', () => {
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', {})).toMatchObject({ ok: true, body: { parameters: {} } });
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', { from: '2026-11-01', to: '2026-11-03' })).toMatchObject({
      ok: true,
      body: { parameters: { from: '2026-11-01', to: '2026-11-03' } },
    });
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', { from: '01/11/2026' })).toMatchObject({
      ok: false,
      errors: [{ field: 'from', error: 'badDate' }],
    });
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', { from: '2026-11-05', to: '2026-11-01' })).toMatchObject({
      ok: false,
      errors: [{ field: 'to', error: 'dateOrder' }],
    });
  });
  it('RESOLVE_INCIDENT needs incident_id', () => {
    expect(buildCommandBody('RESOLVE_INCIDENT', 't1', { incident_id: 'x' })).toMatchObject({
      ok: true,
      body: { parameters: { incident_id: 'x' } },
    });
  });
});

describe('command summary', () => {
  it('is the error of a failed command, else the output line, else empty', () => {
    expect(commandSummary({ output: 'Tenant cache flushed', error_message: null })).toBe('Tenant cache flushed');
    expect(commandSummary({ output: null, error_message: 'agent not found' })).toBe('agent not found');
    expect(commandSummary({ output: null })).toBe('');
    expect(commandSummary({})).toBe('');
  });
});

describe('console safety', () => {
  const detail = {
    tenant: { name: 'Transportadora Primavera Ltda' },
    agents: [{ id: 'a1', name: 'Agente de Cobrança' }],
    integrations: [{ id: 'i1', name: 'WhatsApp Vendas' }],
    users: [{ id: 'u1', email: 'ana@primavera.com.br', full_name: 'Ana Souza' }],
    recent_incidents: [{ id: 'n1', title: 'Fila parada' }],
  };

  it('names the target of a destructive confirmation, not its id', () => {
    expect(confirmTarget({ command_type: 'SUSPEND_TENANT', tenant_id: 't1', parameters: {} }, detail)).toBe(
      'Transportadora Primavera Ltda',
    );
    expect(
      confirmTarget({ command_type: 'PAUSE_AGENT', tenant_id: 't1', parameters: { agent_id: 'a1' } }, detail),
    ).toBe('Agente de Cobrança');
    expect(
      confirmTarget({ command_type: 'RESET_TOKEN', tenant_id: 't1', parameters: { integration_id: 'i1' } }, detail),
    ).toBe('WhatsApp Vendas');
    expect(confirmTarget({ command_type: 'RESET_TOKEN', tenant_id: 't1', parameters: { user_id: 'u1' } }, detail)).toBe(
      'Ana Souza <ana@primavera.com.br>',
    );
    // Unknown to the detail: the id rather than nothing.
    expect(
      confirmTarget({ command_type: 'PAUSE_AGENT', tenant_id: 't1', parameters: { agent_id: 'zz' } }, detail),
    ).toBe('zz');
    expect(
      confirmTarget({ command_type: 'SUSPEND_TENANT', tenant_id: 't1', parameters: {} }, null, 'Picked Name'),
    ).toBe('Picked Name');
  });

  it('clears the tenant when the type changes to or from one that acts on the tenant', () => {
    expect(tenantAfterTypeChange('HEALTH_CHECK', 'SUSPEND_TENANT', 't1')).toBe('');
    expect(tenantAfterTypeChange('SUSPEND_TENANT', 'RESTART_AGENT', 't1')).toBe('');
    expect(tenantAfterTypeChange('RESTART_AGENT', 'PAUSE_AGENT', 't1')).toBe('t1');
  });

  it('shows parameters and results by name', () => {
    expect(describeParams({ agent_id: 'a1', from: '2026-12-01' }, detail)).toEqual([
      { key: 'agent_id', value: 'Agente de Cobrança' },
      { key: 'from', value: '2026-12-01' },
    ]);
    expect(describeParams({ integration_id: 'gone' }, detail)).toEqual([{ key: 'integration_id', value: 'gone' }]);
    expect(describeResult({ agent_id: 'a1', restarted: true, counts: { days: 3, events: 120 } }, detail)).toEqual([
      { key: 'agent_id', value: 'Agente de Cobrança' },
      { key: 'restarted', value: 'true' },
      { key: 'counts.days', value: '3' },
      { key: 'counts.events', value: '120' },
    ]);
    expect(describeResult(null)).toEqual([]);
    // Lists of objects show their names, not their JSON (a health check's agents).
    expect(
      describeResult({
        agents: [{ agent_id: 'a1', name: 'Cobrança', status: 'active' }, { title: 'T' }, { x: 1 }],
        problems: ['p1', 'p2'],
        none: [],
      }),
    ).toEqual([
      { key: 'agents', value: 'Cobrança, T, {"x":1}' },
      { key: 'problems', value: 'p1, p2' },
      { key: 'none', value: '—' },
    ]);
  });

  it('long-polls with the last status seen', () => {
    expect(longPollQuery('PENDING')).toEqual({ wait: 15, status_not: 'PENDING' });
    expect(longPollQuery(undefined)).toEqual({ wait: 15 });
  });
});

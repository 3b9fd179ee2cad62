import { describe, expect, it } from 'vitest';
import { buildCommandBody, COMMAND_SPECS, COMMAND_TYPES, commandTypesFor, isLiveStatus } from './commands';

describe('command types', () => {
  it('admins get all ten; support only the non-destructive "both" ones; tenants none', () => {
    expect(commandTypesFor('INTERNAL_ADMIN')).toHaveLength(10);
    expect(commandTypesFor('INTERNAL_SUPPORT').sort()).toEqual(
      ['FLUSH_TENANT_CACHE', 'HEALTH_CHECK', 'REPROCESS_QUEUE', 'RESET_TOKEN', 'RESOLVE_INCIDENT', 'RESTART_AGENT'].sort(),
    );
    expect(commandTypesFor('TENANT_ADMIN')).toEqual([]);
  });
  it('asks for confirmation exactly for SUSPEND_TENANT, PAUSE_AGENT and RESET_TOKEN', () => {
    expect(COMMAND_TYPES.filter((t) => COMMAND_SPECS[t].destructive).sort()).toEqual(['PAUSE_AGENT', 'RESET_TOKEN', 'SUSPEND_TENANT']);
  });
  it('polls only PENDING and RUNNING', () => {
    expect(isLiveStatus('PENDING')).toBe(true);
    expect(isLiveStatus('RUNNING')).toBe(true);
    expect(isLiveStatus('SUCCESS')).toBe(false);
    expect(isLiveStatus('CANCELLED')).toBe(false);
  });
});

describe('buildCommandBody', () => {
  it('HEALTH_CHECK works without a tenant', () => {
    expect(buildCommandBody('HEALTH_CHECK', '', {})).toEqual({ ok: true, body: { command_type: 'HEALTH_CHECK', parameters: {} } });
    expect(buildCommandBody('HEALTH_CHECK', 't1', {})).toEqual({ ok: true, body: { command_type: 'HEALTH_CHECK', tenant_id: 't1', parameters: {} } });
  });
  it('other types need a tenant', () => {
    expect(buildCommandBody('FLUSH_TENANT_CACHE', ' ', {})).toEqual({ ok: false, errors: [{ field: 'tenant_id', error: 'tenantRequired' }] });
  });
  it('agent commands need agent_id', () => {
    expect(buildCommandBody('PAUSE_AGENT', 't1', {})).toMatchObject({ ok: false, errors: [{ field: 'agent_id', error: 'paramRequired' }] });
    expect(buildCommandBody('RESTART_AGENT', 't1', { agent_id: 'a1' })).toEqual({
      ok: true,
      body: { command_type: 'RESTART_AGENT', tenant_id: 't1', parameters: { agent_id: 'a1' } },
    });
  });
  it('RESET_TOKEN needs exactly one of integration_id and user_id', () => {
    expect(buildCommandBody('RESET_TOKEN', 't1', {})).toMatchObject({ ok: false, errors: [{ field: 'target', error: 'exactlyOne' }] });
    expect(buildCommandBody('RESET_TOKEN', 't1', { integration_id: 'i', user_id: 'u' })).toMatchObject({ ok: false });
    expect(buildCommandBody('RESET_TOKEN', 't1', { user_id: 'u' })).toMatchObject({ ok: true, body: { parameters: { user_id: 'u' } } });
  });
  it('REPROCESS_QUEUE dates are optional, well formed and in order', () => {
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', {})).toMatchObject({ ok: true, body: { parameters: {} } });
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', { from: '2026-11-01', to: '2026-11-03' })).toMatchObject({
      ok: true,
      body: { parameters: { from: '2026-11-01', to: '2026-11-03' } },
    });
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', { from: '01/11/2026' })).toMatchObject({ ok: false, errors: [{ field: 'from', error: 'badDate' }] });
    expect(buildCommandBody('REPROCESS_QUEUE', 't1', { from: '2026-11-05', to: '2026-11-01' })).toMatchObject({
      ok: false,
      errors: [{ field: 'to', error: 'dateOrder' }],
    });
  });
  it('RESOLVE_INCIDENT needs incident_id', () => {
    expect(buildCommandBody('RESOLVE_INCIDENT', 't1', { incident_id: 'x' })).toMatchObject({ ok: true, body: { parameters: { incident_id: 'x' } } });
  });
});

import { describe, expect, it } from 'vitest';
import {
  conditionText,
  deliveryTone,
  firingCount,
  formatAlertValue,
  sortRules,
  sortTenantStates,
  stateTone,
  worstState,
  type AlertRule,
  type AlertTenantState,
} from './alerts';
import { en, pt } from '../i18n/messages';

function rule(name: string, state: AlertRule['state'], severity: AlertRule['severity'] = 'warning'): AlertRule {
  return {
    name,
    state,
    severity,
    expr: 'http_5xx',
    threshold: 10,
    window_s: 300,
    for_s: 0,
    clear_s: 0,
    scope: 'global',
    summary: '',
    since: null,
    value: null,
    evaluated_at: null,
    incident_id: null,
  };
}

function tenant(id: string, state: AlertTenantState['state']): AlertTenantState {
  return {
    tenant_id: id,
    state,
    since: '2026-12-06T10:00:00Z',
    value: 12,
    evaluated_at: '2026-12-06T10:05:00Z',
    incident_id: state === 'firing' ? `inc-${id}` : null,
  };
}

describe('alerts page logic', () => {
  it('puts firing rules first, the most severe first, then by name', () => {
    const sorted = sortRules([
      rule('B', 'ok'),
      rule('A', 'ok'),
      rule('C', 'pending'),
      rule('D', 'firing', 'warning'),
      rule('E', 'firing', 'critical'),
      rule('F', 'clearing'),
    ]);
    expect(sorted.map((r) => r.name)).toEqual(['E', 'D', 'F', 'C', 'A', 'B']);
    expect(firingCount(sorted)).toBe(3);
  });

  it('ranks a tenant rule by its worst tenant and counts each firing tenant', () => {
    const tenantRule: AlertRule = {
      ...rule('T', 'ok', 'info'),
      expr: 'tenant_requests',
      scope: 'tenant',
      tenants: [tenant('t1', 'pending'), tenant('t2', 'firing'), tenant('t3', 'clearing')],
    };
    expect(worstState(tenantRule)).toBe('firing');
    expect(worstState({ ...tenantRule, tenants: [] })).toBe('ok');
    expect(worstState(rule('G', 'pending'))).toBe('pending');
    const sorted = sortRules([rule('A', 'ok'), rule('B', 'pending', 'critical'), tenantRule]);
    expect(sorted.map((r) => r.name)).toEqual(['T', 'B', 'A']);
    // t2 firing and t3 clearing: two alerts with an incident each; the rule's own ok counts nothing.
    expect(firingCount(sorted)).toBe(2);
  });

  it("lists a rule's tenants worst first, then by name", () => {
    const names: Record<string, string> = { t1: 'Zeta', t2: 'Alfa', t3: 'Beta' };
    const nameOf = (id: string) => names[id] ?? id;
    const sorted = sortTenantStates(
      [tenant('t1', 'firing'), tenant('t2', 'pending'), tenant('t3', 'firing'), tenant('t4', 'clearing')],
      nameOf,
    );
    expect(sorted.map((x) => x.tenant_id)).toEqual(['t3', 't1', 't4', 't2']);
  });

  it('gives each state and delivery status a tone', () => {
    expect(stateTone('firing')).toBe('bad');
    expect(stateTone('clearing')).toBe('warn');
    expect(stateTone('pending')).toBe('warn');
    expect(stateTone('ok')).toBe('ok');
    expect(deliveryTone('delivered')).toBe('ok');
    expect(deliveryTone('pending')).toBe('warn');
    expect(deliveryTone('failed')).toBe('bad');
  });

  it('reads values in the unit of their kind', () => {
    expect(formatAlertValue('rss_bytes', 2 * 1024 ** 3, 'en')).toBe('2 GiB');
    expect(formatAlertValue('rss_bytes', 300 * 1024 ** 2, 'en')).toBe('300 MiB');
    expect(formatAlertValue('queue_age_seconds', 45, 'en')).toBe('45 s');
    expect(formatAlertValue('aggregation_lag_seconds', 1800, 'en')).toBe('30 min');
    expect(formatAlertValue('redis_memory', 0.9, 'en')).toMatch(/^90\s?%$/);
    expect(formatAlertValue('http_5xx', 12, 'pt')).toBe('12');
    expect(formatAlertValue('http_5xx', null, 'en')).toBe('—');
  });

  it('says a windowed condition with its window, a level without', () => {
    expect(conditionText({ expr: 'http_5xx', threshold: 10, window_s: 300 }, 'en', 'in')).toBe('> 10 in 5 min');
    expect(conditionText({ expr: 'queue_age_seconds', threshold: 300, window_s: 300 }, 'en', 'in')).toBe('> 5 min');
  });

  it('has every page text in both languages', () => {
    const keys = Object.keys(pt).filter(
      (k) => k.startsWith('alerts.') || k.startsWith('alertState.') || k.startsWith('delivery'),
    );
    expect(keys.length).toBeGreaterThan(10);
    for (const k of keys) expect((en as Record<string, string>)[k], k).toBeTruthy();
    expect(pt['nav.alerts']).toBe('Alertas');
    expect(en['nav.alerts']).toBe('Alerts');
    expect(pt['alerts.sendTest']).toBe('Enviar notificação de teste');
  });
});

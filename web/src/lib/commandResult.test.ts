import { describe, expect, it } from 'vitest';
import { counted, resultSummary } from './commandResult';
import { translate, translateEnum, type Lang } from '../i18n/translate';
import type { MessageKey } from '../i18n/messages';

const tr = (lang: Lang) => (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
const te = (lang: Lang) => (prefix: string, v: string) => translateEnum(lang, prefix, v);
const pt = (type: string, result: unknown, names?: Parameters<typeof resultSummary>[4]) =>
  resultSummary(type, result, tr('pt'), te('pt'), names);
const en = (type: string, result: unknown) => resultSummary(type, result, tr('en'), te('en'));

describe('resultSummary', () => {
  it('writes a health check in pt-BR with the incident title, not its UUID', () => {
    const result = {
      healthy: false,
      agents: [{}, {}],
      integrations: [{}],
      problems: [{}],
      incident_id: '08422064-1111-4222-8333-444455556666',
      incident_opened: true,
    };
    const names = {
      recent_incidents: [{ id: '08422064-1111-4222-8333-444455556666', title: 'Integração CRM com erro' }],
    };
    const s = pt('HEALTH_CHECK', result, names);
    expect(s).toBe(
      'Verificação de saúde: 1 problema (2 agentes e 1 integração verificados); incidente “Integração CRM com erro” aberto',
    );
    expect(s).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    // Without the names a short id, never the whole UUID.
    expect(pt('HEALTH_CHECK', result)).toContain('08422064…');
    expect(pt('HEALTH_CHECK', result)).not.toContain('08422064-1111');
  });

  it('counts in the language’s number', () => {
    expect(counted(tr('pt'), 'day', 1)).toBe('1 dia');
    expect(counted(tr('pt'), 'day', 3)).toBe('3 dias');
    expect(counted(tr('en'), 'entry', 2)).toBe('2 entries removed');
  });

  it('covers every command type the worker runs', () => {
    expect(
      pt('REPROCESS_QUEUE', {
        scope: 'all_tenants',
        days_processed: 2,
        events: 10,
        rows_written: 4,
        from: '2026-12-01',
        to: '2026-12-02',
      }),
    ).toBe('Uso de todos os clientes reprocessado: 2 dias (2026-12-01 – 2026-12-02), 10 eventos, 4 linhas gravadas');
    expect(pt('REPROCESS_QUEUE', { days_processed: 0 })).toBe(
      'Uso do cliente reprocessado: nenhum dia aguardando agregação',
    );
    expect(
      pt(
        'RESET_TOKEN',
        { user_id: 'u1', sessions_revoked: 2 },
        { users: [{ id: 'u1', email: 'ana@x.com', full_name: 'Ana' }] },
      ),
    ).toBe('Sessões de Ana <ana@x.com> encerradas: 2');
    expect(pt('RESET_TOKEN', { integration_id: 'i1', name: 'CRM', credential_cleared: true })).toBe(
      'Token da integração CRM redefinido, credencial apagada; inativa até reconectar',
    );
    expect(pt('RESTART_AGENT', { agent_id: 'a1', name: 'Atendente', restart_count: 3, status: 'active' })).toBe(
      'Agente Atendente reiniciado (reinício nº 3), status Ativo',
    );
    expect(
      pt('PAUSE_AGENT', { agent_id: 'a1', name: 'Atendente', status: 'inactive', previous_status: 'active' }),
    ).toBe('Agente Atendente pausado: status Ativo → Inativo');
    expect(en('RESUME_AGENT', { agent_id: 'a1', name: 'Helper', status: 'active', previous_status: 'inactive' })).toBe(
      'Agent Helper resumed: status Inactive → Active',
    );
    expect(pt('HEALTH_CHECK', { tenants_checked: 12, tenants_degraded: 1, incidents_opened: 1 })).toBe(
      'Verificação de saúde de 12 clientes: 1 com problemas, 1 incidente aberto',
    );
    expect(pt('HEALTH_CHECK', { healthy: true, agents: [{}], integrations: [] })).toBe(
      'Verificação de saúde: tudo certo (1 agente e 0 integrações verificados)',
    );
    expect(pt('RESOLVE_INCIDENT', { incident_id: 'x', previous_status: 'resolved' })).toBe(
      'Incidente “x” já estava resolvido',
    );
    expect(pt('FLUSH_TENANT_CACHE', { entries_removed: 1 })).toBe('Cache do cliente limpo: 1 entrada removida');
    expect(pt('SUSPEND_TENANT', { status: 'suspended', previous_status: 'active' })).toBe(
      'Cliente suspenso: status Ativo → Suspenso',
    );
    expect(en('REACTIVATE_TENANT', { status: 'active' })).toBe('Tenant reactivated: status Active');
  });

  it('leaves unknown shapes to the caller', () => {
    expect(pt('SOMETHING_NEW', { a: 1 })).toBeNull();
    expect(pt('HEALTH_CHECK', null)).toBeNull();
    expect(pt('HEALTH_CHECK', 'text')).toBeNull();
    expect(pt('HEALTH_CHECK', [1])).toBeNull();
  });
});

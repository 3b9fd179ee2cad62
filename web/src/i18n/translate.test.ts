import { describe, expect, it } from 'vitest';
import { en, pt } from './messages';
import { interpolate, localeOf, parseLang, translate, translateEnum } from './translate';

const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort().join(',');

describe('dictionaries', () => {
  it('have the same keys, no empty strings, and the same placeholders', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(pt).sort());
    for (const [k, v] of Object.entries(pt)) {
      expect(v.trim(), k).not.toBe('');
      expect(placeholders(en[k as keyof typeof pt]), k).toBe(placeholders(v));
    }
  });

  it("carry the original's messages", () => {
    expect(pt['error.sessionExpired']).toBe('Sessão expirada. Faça login novamente');
    expect(pt['error.forbidden']).toBe('Você não tem permissão para acessar este recurso');
    expect(pt['error.network']).toBe('Erro de conexão. Tente novamente');
    expect(en['error.sessionExpired']).toBe('Session expired. Please log in again');
  });

  it('name every command type, status and subnucleus', () => {
    for (const k of [
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
    ]) {
      expect(Object.keys(pt)).toContain(`commandType.${k}`);
      expect(Object.keys(pt)).toContain(`commandDesc.${k}`);
    }
    for (const k of ['SUSPEND_TENANT', 'PAUSE_AGENT', 'RESET_TOKEN'])
      expect(Object.keys(pt)).toContain(`commandConfirm.${k}`);
    for (const s of ['PENDING', 'RUNNING', 'SUCCESS', 'ERROR', 'CANCELLED'])
      expect(Object.keys(pt)).toContain(`commandStatus.${s}`);
    for (const s of ['nigredo', 'hermes', 'sophia', 'atlas', 'oracle'])
      expect(Object.keys(pt)).toContain(`subnucleus.${s}`);
  });
});

describe('translate', () => {
  it('looks up by language and fills placeholders', () => {
    expect(translate('pt', 'pagination.page', { page: 2, pages: 5 })).toBe('Página 2 de 5');
    expect(translate('en', 'pagination.page', { page: 2, pages: 5 })).toBe('Page 2 of 5');
  });

  it('leaves unknown placeholders visible', () => {
    expect(interpolate('a {x} {y}', { x: 1 })).toBe('a 1 {y}');
    expect(interpolate('no vars')).toBe('no vars');
  });

  it('translates API enums, falling back to the raw value', () => {
    expect(translateEnum('pt', 'status', 'suspended')).toBe('Suspenso');
    expect(translateEnum('en', 'status', 'suspended')).toBe('Suspended');
    expect(translateEnum('pt', 'status', 'weird_state')).toBe('weird_state');
    expect(translateEnum('pt', 'status', null)).toBe('—');
  });

  it('defaults to pt-BR', () => {
    expect(parseLang(null)).toBe('pt');
    expect(parseLang('fr')).toBe('pt');
    expect(parseLang('en')).toBe('en');
    expect(localeOf('pt')).toBe('pt-BR');
    expect(localeOf('en')).toBe('en-US');
  });
});

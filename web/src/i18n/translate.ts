// A tiny i18n: two dictionaries, a lookup with {placeholders}, the language kept in
// localStorage. pt-BR is the default; English is complete (checked by the type system).

import { en, pt, type MessageKey } from './messages';

export type Lang = 'pt' | 'en';
export type { MessageKey };
export const LANGS: Lang[] = ['pt', 'en'];
export const LANG_STORAGE_KEY = 'painel.lang';

const dicts: Record<Lang, Record<MessageKey, string>> = { pt, en };

export type Vars = Record<string, string | number>;

export function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const s = dicts[lang]?.[key] ?? dicts.pt[key] ?? key;
  return interpolate(s, vars);
}

export function hasKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(pt, key);
}

/** Translates an API enum value (status, plan, severity…) under a prefix, or shows it as is. */
export function translateEnum(lang: Lang, prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const key = `${prefix}.${value}`;
  return hasKey(key) ? translate(lang, key) : value;
}

export function localeOf(lang: Lang): string {
  return lang === 'en' ? 'en-US' : 'pt-BR';
}

export function parseLang(value: string | null | undefined): Lang {
  return value === 'en' ? 'en' : 'pt';
}

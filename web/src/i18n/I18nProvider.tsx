import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import {
  LANG_STORAGE_KEY,
  localeOf,
  parseLang,
  translate,
  translateEnum,
  type Lang,
  type MessageKey,
  type Vars,
} from './translate';

// The language is a tiny external store so code outside React (toasts raised by the
// query cache) translates with the same language as the page.
let current: Lang = readStored();
const listeners = new Set<() => void>();

function readStored(): Lang {
  try {
    return parseLang(typeof localStorage !== 'undefined' ? localStorage.getItem(LANG_STORAGE_KEY) : null);
  } catch {
    return 'pt';
  }
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Not persisted when storage is off; the switch still works for this page.
  }
  listeners.forEach((l) => l());
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export const t = (key: MessageKey, vars?: Vars) => translate(current, key, vars);

export interface I18n {
  lang: Lang;
  locale: string;
  setLang: (l: Lang) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  te: (prefix: string, value: string | null | undefined) => string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const lang = useSyncExternalStore(subscribe, getLang, getLang);
  useEffect(() => {
    document.documentElement.lang = localeOf(lang);
  }, [lang]);
  const tt = useCallback((key: MessageKey, vars?: Vars) => translate(lang, key, vars), [lang]);
  const te = useCallback(
    (prefix: string, value: string | null | undefined) => translateEnum(lang, prefix, value),
    [lang],
  );
  const value = useMemo<I18n>(() => ({ lang, locale: localeOf(lang), setLang, t: tt, te }), [lang, tt, te]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

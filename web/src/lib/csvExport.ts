// CSV exports of the lists (issue 19): the server streams the file (`?format=csv`), the
// page asks for it with the same filters as the table it shows. Pure helpers here; the
// button is components/ExportCsv.tsx.

import type { Query } from '../api/client';
import type { Lang } from '../i18n/translate';

/** `;` for pt-BR (what Excel in Portuguese opens by double-click, with decimal commas), `,` otherwise. */
export function csvSeparatorFor(lang: Lang): 'semicolon' | 'comma' {
  return lang === 'pt' ? 'semicolon' : 'comma';
}

/**
 * The export's query: the list's filters without its paging (the file holds every matching
 * row), plus format and separator. Empty values are dropped by buildUrl as for the list.
 */
export function csvExportQuery(filters: Query, lang: Lang): Query {
  const q: Query = {};
  for (const [k, v] of Object.entries(filters)) {
    if (k === 'limit' || k === 'offset' || k === 'format' || k === 'sep') continue;
    q[k] = v;
  }
  q.format = 'csv';
  q.sep = csvSeparatorFor(lang);
  return q;
}

/**
 * The file name of a Content-Disposition header (`attachment; filename="x.csv"`, or the
 * RFC 6266 `filename*=UTF-8''…` form), reduced to a safe base name; `fallback` when none.
 */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  let name: string | null = null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      name = decodeURIComponent(star[1].trim());
    } catch {
      name = null;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(header);
    if (plain) name = (plain[1] ?? plain[2] ?? '').trim();
  }
  if (!name) return fallback;
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters are exactly what must not reach a file name.
  // eslint-disable-next-line no-control-regex
  const safe = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return safe && safe !== '.' && safe !== '..' ? safe : fallback;
}

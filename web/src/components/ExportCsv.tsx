// "Exportar CSV": downloads the list the page shows, with its filters, as a file streamed
// by the server (?format=csv). The access token lives only in memory, so the file is
// fetched with it (api.download: same refresh and errors as every call) and handed to the
// browser as a Blob; a plain link could not carry the token, and a signed link would be a
// credential in a URL (history, logs, Referer) for a new route to guard.

import { useState } from 'react';
import { api } from '../api';
import type { Query } from '../api/client';
import { describeError } from '../api/errors';
import { useI18n } from '../i18n/I18nProvider';
import { csvExportQuery, filenameFromDisposition } from '../lib/csvExport';
import { pushToast } from '../lib/toasts';

export function ExportCsvButton({
  path,
  filters,
  fallbackName,
  testId = 'export-csv',
  label = 'export.csv',
}: {
  path: string;
  /** The list's query as the page sends it (paging is dropped: the file has every row). */
  filters: Query;
  fallbackName: string;
  testId?: string;
  /** The button's text when a page has several exports (by day, by agent…). */
  label?: 'export.csv' | 'export.byDay' | 'export.byAgent' | 'export.byTenant';
}) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    try {
      const { blob, disposition } = await api.download(path, csvExportQuery(filters, lang));
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filenameFromDisposition(disposition, fallbackName);
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      pushToast('error', `${t('export.failed')}: ${describeError(e, t)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <button type="button" className="btn" onClick={run} disabled={busy} aria-busy={busy} data-testid={testId}>
      {busy ? t('export.running') : t(label)}
    </button>
  );
}

// Strings of the CSV export button (components/ExportCsv.tsx, issue 19).

export const exportPt = {
  'export.csv': 'Exportar CSV',
  'export.running': 'Exportando…',
  'export.failed': 'Não foi possível exportar',
  'export.byDay': 'Exportar CSV por dia',
  'export.byAgent': 'Exportar CSV por agente',
  'export.byTenant': 'Exportar CSV por cliente',
};

export const exportEn: Record<keyof typeof exportPt, string> = {
  'export.csv': 'Export CSV',
  'export.running': 'Exporting…',
  'export.failed': 'Could not export',
  'export.byDay': 'Export CSV by day',
  'export.byAgent': 'Export CSV by agent',
  'export.byTenant': 'Export CSV by tenant',
};

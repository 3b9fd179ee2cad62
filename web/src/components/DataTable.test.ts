import { describe, expect, it } from 'vitest';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nProvider } from '../i18n/I18nProvider';
import { DataTable, type Column, type DataTableProps } from './DataTable';

interface Row {
  id: string;
  name: string;
  requests: number;
}

const COLUMNS: Column<Row>[] = [
  { header: 'Nome', cell: (r) => r.name, rowHeader: true },
  { header: 'Requisições', cell: (r) => r.requests, align: 'right', sort: 'descending' },
  { header: 'Id', cell: (r) => h('code', null, r.id), className: 'nowrap' },
];

function render(props: Partial<DataTableProps<Row>>): string {
  const all: DataTableProps<Row> = {
    columns: COLUMNS,
    rows: [],
    rowKey: (r) => r.id,
    label: 'Clientes',
    ...props,
  };
  return renderToStaticMarkup(h(I18nProvider, null, h(DataTable<Row>, all)));
}

const ROWS: Row[] = [
  { id: 'a', name: 'Alfa', requests: 10 },
  { id: 'b', name: 'Beta', requests: 2 },
];

describe('DataTable', () => {
  it('renders the headers and one row per item, in the scroll box', () => {
    const html = render({ rows: ROWS, testId: 'tenants-table' });
    expect(html).toMatch(
      /^<div class="table-wrap" role="region" aria-label="Clientes" tabindex="0" data-testid="tenants-table"><table class="table">/,
    );
    expect(html).toContain('<th scope="col">Nome</th>');
    expect(html).toContain('<th scope="col" class="num" aria-sort="descending">Requisições</th>');
    expect(html).toContain(
      '<tr><th scope="row">Alfa</th><td class="num">10</td><td class="nowrap"><code>a</code></td></tr>',
    );
    expect(html.match(/<tr>/g)).toHaveLength(3);
    expect(html).not.toContain('<caption');
  });

  it('gives rows their attributes, extra rows after them, and a hidden caption', () => {
    const html = render({
      rows: ROWS,
      caption: 'Clientes por uso',
      rowAttributes: (r) => ({ 'data-testid': 'tenant-row', 'data-tenant-id': r.id }),
      afterRow: (r) => (r.id === 'b' ? h('tr', { className: 'extra' }, h('td', { colSpan: 3 }, 'detalhe')) : null),
      columns: [
        ...COLUMNS,
        false,
        {
          key: 'k',
          header: null,
          headerLabel: 'Ações',
          cell: () => 'x',
          cellData: (r) => ({ 'data-testid': `cell-${r.id}` }),
        },
      ],
    });
    expect(html).toContain('<caption class="sr-only">Clientes por uso</caption>');
    expect(html).toContain('<th scope="col" aria-label="Ações"></th>');
    expect(html).toContain('<td data-testid="cell-b">x</td>');
    expect(html).toContain('<tr data-testid="tenant-row" data-tenant-id="a"><th scope="row">Alfa</th>');
    expect(html).toContain('<td data-testid="cell-b">x</td></tr><tr class="extra"><td colSpan="3">detalhe</td></tr>');
  });

  it('shows the empty message instead of the table, or the empty table without one', () => {
    const empty = render({ empty: 'Nenhum cliente encontrado.' });
    expect(empty).toBe('<div class="state state-empty" data-testid="empty">Nenhum cliente encontrado.</div>');
    const bare = render({});
    expect(bare).toContain('<tbody></tbody>');
  });

  it('shows the loading state while the rows are read', () => {
    expect(render({ loading: true, rows: ROWS })).toContain('data-testid="loading"');
  });
});

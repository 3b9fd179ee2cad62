// The one table of the UI: the markup every list used to repeat (a scroll box so a 375 px
// phone never scrolls the page sideways, header row, rows, the "nothing here" text), with
// the same CSS classes. What a page puts in its cells (links, buttons, badges) stays the
// page's; sorting and paging controls stay where the page puts them.

import { Fragment, type HTMLAttributes, type ReactNode } from 'react';
import { Empty, Loading, TableWrap } from './ui';

/** data-testid and any other data-* attribute the tests read. */
export type DataAttributes = { [data: `data-${string}`]: string | number | boolean | undefined };

/** Attributes for a row's <tr>: class and data-*. */
export type RowAttributes = HTMLAttributes<HTMLTableRowElement> & DataAttributes;

export interface Column<T> {
  /** The header cell's content (text, or a sort button). */
  header: ReactNode;
  /** The cell of one row. */
  cell: (row: T, index: number) => ReactNode;
  /** React key of the column; the header text when it is a string, else the index. */
  key?: string;
  /** Classes of the column's body cells ("nowrap", …). */
  className?: string;
  /** data-* attributes of one body cell. */
  cellData?: (row: T, index: number) => DataAttributes;
  /** `right`: a number column (the `.num` class on header and cells: right-aligned, tabular). */
  align?: 'left' | 'right';
  /** The cell names the row: a <th scope="row"> (one per table, usually the first). */
  rowHeader?: boolean;
  /** aria-label of a header with no visible text (a column of buttons). */
  headerLabel?: string;
  /** aria-sort of the header, for a column the page sorts by. */
  sort?: 'ascending' | 'descending' | 'none';
}

export interface DataTableProps<T> {
  columns: readonly (Column<T> | false | null | undefined)[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string | number;
  /** Accessible name of the scroll box (a region). */
  label: string;
  /** A <caption> read by screen readers (visually hidden). */
  caption?: string;
  /** Shown instead of the table when there is no row; without it the empty table shows. */
  empty?: ReactNode;
  /** Shown instead of the table while the rows are being read. */
  loading?: boolean;
  testId?: string;
  /** Attributes of a row's <tr> (data-testid, data-*, className). */
  rowAttributes?: (row: T, index: number) => RowAttributes;
  /** Rows drawn right after a row (a detail line spanning the columns). */
  afterRow?: (row: T, index: number) => ReactNode;
}

function cellClass<T>(c: Column<T>): string | undefined {
  return [c.align === 'right' ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ') || undefined;
}

export function DataTable<T>({
  columns,
  rows,
  rowKey,
  label,
  caption,
  empty,
  loading,
  testId,
  rowAttributes,
  afterRow,
}: DataTableProps<T>) {
  if (loading) return <Loading />;
  if (rows.length === 0 && empty !== undefined) return <Empty>{empty}</Empty>;
  const cols = columns.filter((c): c is Column<T> => !!c);
  const colKey = (c: Column<T>, i: number) => c.key ?? (typeof c.header === 'string' ? c.header : String(i));
  return (
    <TableWrap label={label} testId={testId}>
      <table className="table">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead>
          <tr>
            {cols.map((c, i) => (
              <th
                key={colKey(c, i)}
                scope="col"
                className={c.align === 'right' ? 'num' : undefined}
                aria-sort={c.sort}
                aria-label={c.headerLabel}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <Fragment key={rowKey(row, r)}>
              <tr {...rowAttributes?.(row, r)}>
                {cols.map((c, i) =>
                  c.rowHeader ? (
                    <th key={colKey(c, i)} scope="row" className={cellClass(c)} {...c.cellData?.(row, r)}>
                      {c.cell(row, r)}
                    </th>
                  ) : (
                    <td key={colKey(c, i)} className={cellClass(c)} {...c.cellData?.(row, r)}>
                      {c.cell(row, r)}
                    </td>
                  ),
                )}
              </tr>
              {afterRow?.(row, r)}
            </Fragment>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

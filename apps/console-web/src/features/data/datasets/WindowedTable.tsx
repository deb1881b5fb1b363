import { type ReactNode, type UIEvent, useEffect, useRef, useState } from 'react';
import { visibleRange } from './grid';

export interface WindowedColumn {
  key: string;
  header: ReactNode;
  /** `aria-sort` of the column header. */
  sort?: 'ascending' | 'descending' | 'none';
}

export interface WindowedTableProps<T> {
  /** The table's accessible name. */
  label: string;
  columns: WindowedColumn[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  cell: (row: T, column: string) => ReactNode;
  /** Every row is this tall (px): what makes the window computable without measuring. */
  rowHeight?: number;
  /** The table's largest height (px), header included; it scrolls past it. */
  maxHeight?: number;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
  /** Narrowest column (px); columns share any extra width. */
  columnWidth?: number;
  busy?: boolean;
  testId?: string;
  /** When it changes (another page, another query), the table scrolls back to its top. */
  resetKey?: string;
}

const HEADER_HEIGHT = 40;

/**
 * A table of many rows that renders only those in view (fixed row height, a sticky header),
 * with table semantics (`role="table"`, `aria-rowcount`, `aria-rowindex` on each rendered row) so
 * screen readers know where they are. The table is the scroll container and is focusable: the
 * arrow keys scroll it.
 */
export function WindowedTable<T>({
  label,
  columns,
  rows,
  rowKey,
  cell,
  rowHeight = 36,
  maxHeight = 480,
  overscan = 8,
  columnWidth = 140,
  busy = false,
  testId,
  resetKey,
}: WindowedTableProps<T>) {
  const container = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const bodyHeight = Math.min(rows.length * rowHeight, Math.max(rowHeight, maxHeight - HEADER_HEIGHT));
  const { start, end } = visibleRange({ scrollTop, viewport: bodyHeight, rowHeight, count: rows.length, overscan });
  const template = `repeat(${Math.max(1, columns.length)}, minmax(${columnWidth}px, 1fr))`;
  const minWidth = Math.max(1, columns.length) * columnWidth;

  // another page of rows starts at its top
  useEffect(() => {
    if (container.current) container.current.scrollTop = 0;
    setScrollTop(0);
  }, [resetKey]);

  const rowStyle = { display: 'grid', gridTemplateColumns: template, alignItems: 'stretch' } as const;
  const cellStyle = {
    padding: '0 var(--mantine-spacing-xs)',
    display: 'flex',
    alignItems: 'center',
    overflow: 'hidden',
    borderBottom: '1px solid var(--mantine-color-gray-3)',
    fontSize: 'var(--mantine-font-size-sm)',
  } as const;

  return (
    <div
      ref={container}
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      aria-colcount={columns.length}
      aria-busy={busy || undefined}
      data-testid={testId}
      tabIndex={0}
      onScroll={(event: UIEvent<HTMLDivElement>) => setScrollTop(event.currentTarget.scrollTop)}
      style={{
        position: 'relative',
        height: HEADER_HEIGHT + bodyHeight + 2,
        overflow: 'auto',
        border: '1px solid var(--mantine-color-gray-3)',
        borderRadius: 'var(--mantine-radius-sm)',
      }}
    >
      <div role="rowgroup" style={{ position: 'sticky', top: 0, zIndex: 1, minWidth, background: 'var(--mantine-color-gray-1)' }}>
        <div role="row" aria-rowindex={1} style={{ ...rowStyle, height: HEADER_HEIGHT }}>
          {columns.map((column, index) => (
            <div key={column.key} role="columnheader" aria-colindex={index + 1} aria-sort={column.sort} style={{ ...cellStyle, fontWeight: 600 }}>
              {column.header}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" style={{ position: 'relative', height: rows.length * rowHeight, minWidth }}>
        {rows.slice(start, end).map((row, offset) => {
          const index = start + offset;
          return (
            <div
              key={rowKey(row, index)}
              role="row"
              aria-rowindex={index + 2}
              style={{
                ...rowStyle,
                position: 'absolute',
                top: index * rowHeight,
                left: 0,
                right: 0,
                height: rowHeight,
                background: index % 2 === 1 ? 'var(--mantine-color-gray-0)' : undefined,
              }}
            >
              {columns.map((column, columnIndex) => (
                <div key={column.key} role="cell" aria-colindex={columnIndex + 1} style={cellStyle}>
                  {cell(row, column.key)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

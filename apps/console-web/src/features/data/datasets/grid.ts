/** Which rows of a windowed list to render: those in view plus `overscan` either side; `end` is exclusive. */
export function visibleRange(options: { scrollTop: number; viewport: number; rowHeight: number; count: number; overscan: number }): { start: number; end: number } {
  const { scrollTop, viewport, rowHeight, count, overscan } = options;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.min(count - 1, Math.floor(Math.max(0, scrollTop) / rowHeight));
  const inView = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + inView + overscan) };
}

/** A value of a row as text in a cell: JSON for objects and arrays, nothing for null. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Column names of plain rows: the known ones first (a schema's order), then any other key, as first seen. */
export function columnsOf(rows: Record<string, unknown>[], known: string[] = []): string[] {
  const names = [...known];
  const seen = new Set(names);
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  }
  return names;
}

/** The next sort when a column's header is clicked: ascending, then descending, then none. */
export function nextSort(current: string, field: string): string {
  const first = current.split(',')[0]?.trim() ?? '';
  if (first === field) return `-${field}`;
  if (first === `-${field}`) return '';
  return field;
}

/** How a column is sorted by a sort expression (only its first field counts for the header). */
export function sortOf(current: string, field: string): 'ascending' | 'descending' | 'none' {
  const first = current.split(',')[0]?.trim() ?? '';
  return first === field ? 'ascending' : first === `-${field}` ? 'descending' : 'none';
}

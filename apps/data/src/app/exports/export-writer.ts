import { stringify } from 'csv-stringify';
import type { ExportFormat } from '@site11/contracts';
import { Readable } from 'node:stream';

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A text cell made safe to open in a spreadsheet: one that starts with `=`, `+`, `-`, `@`, tab
 * or CR gets a leading `'`, unless it is a plain number written as text ("-5"), which no
 * spreadsheet runs. Numbers stay numbers; nothing else is changed.
 */
export function guardCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * Rows as a stream of CSV, NDJSON or a JSON array, produced as fast as the client reads
 * (Readable.from pulls from the database cursor on demand), so memory does not grow with the
 * dataset. CSV: header row of field names, cells guarded, optional UTF-8 BOM for spreadsheets.
 */
export function exportStream(format: ExportFormat, columns: string[], rows: AsyncIterable<Record<string, unknown>>, options: { bom: boolean }): Readable {
  if (format === 'csv') {
    const csv = stringify({ bom: options.bom, header: true, columns: columns.map((name) => ({ key: name, header: guardCell(name) })), cast: { boolean: (value) => String(value) } });
    const iterator = rows[Symbol.asyncIterator]();
    let closed = false;
    // a client gone half way: stop reading (and close the database cursor) instead of waiting for a drain that never comes
    const gone = new Promise<void>((resolve) => csv.once('close', () => {
      closed = true;
      resolve();
    }));
    void (async () => {
      try {
        for (let next = await iterator.next(); !next.done && !closed; next = await iterator.next()) {
          const guarded: Record<string, string> = {};
          for (const name of columns) guarded[name] = guardCell(next.value[name]);
          if (!csv.write(guarded)) await Promise.race([new Promise((resolve) => csv.once('drain', resolve)), gone]);
        }
        if (closed) await iterator.return?.();
        else csv.end();
      } catch (error) {
        await iterator.return?.().catch(() => undefined);
        csv.destroy(error as Error);
      }
    })();
    return csv;
  }
  return Readable.from(
    (async function* () {
      let first = true;
      if (format === 'json') yield '[';
      for await (const row of rows) {
        const line = JSON.stringify(row);
        yield format === 'json' ? `${first ? '\n' : ',\n'}${line}` : `${line}\n`;
        first = false;
      }
      if (format === 'json') yield first ? ']\n' : '\n]\n';
    })(),
  );
}

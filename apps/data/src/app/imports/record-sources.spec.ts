import { DatasetsErrors } from '@site11/contracts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileShape, MalformedFileError, readRecords, type SourceRecord } from './record-sources';

const limits = { maxColumns: 1000, maxRecordBytes: 16 * 1024 * 1024 };
const fixture = (name: string) => join(__dirname, 'fixtures', name);
const scratch = mkdtempSync(join(tmpdir(), 'data-fixtures-'));

async function all(path: string, format: 'csv' | 'json' | 'ndjson'): Promise<SourceRecord[]> {
  const shape = await fileShape(path, format, limits);
  const found: SourceRecord[] = [];
  for await (const record of readRecords(path, shape, limits).records) found.push(record);
  return found;
}

const valuesOf = (record: SourceRecord) => (record.values ? Object.fromEntries(record.values) : null);

describe('record sources (parser fixtures)', () => {
  it('reads a semicolon CSV with a BOM, CRLF, doubled quotes and quoted newlines, with the line each record starts on', async () => {
    const records = await all(fixture('semicolon-bom.csv'), 'csv');
    expect(records.map((record) => record.line)).toEqual([2, 4, 6]);
    expect(valuesOf(records[0])).toEqual({ name: 'Alice', note: 'line one\r\nline two', age: '31' });
    expect(valuesOf(records[1])).toEqual({ name: 'Bob "B"', note: 'plain', age: '42' });
    expect(valuesOf(records[2])).toEqual({ name: 'Carol', note: 'semi;colon', age: '27' });
  });

  it('reads tab-separated values', async () => {
    expect((await all(fixture('tabs.tsv'), 'csv')).map(valuesOf)).toEqual([{ name: 'Alice', age: '31' }]);
  });

  it('reports ragged rows as rejected records with their line, and reads on', async () => {
    const records = await all(fixture('ragged.csv'), 'csv');
    expect(records.map((record) => [record.line, record.problem?.rule ?? 'ok'])).toEqual([
      [2, 'ok'],
      [3, 'columns'],
      [4, 'columns'],
      [5, 'ok'],
    ]);
  });

  it('refuses a 10,000-column header before any row is read (422 DATA.TOO_MANY_COLUMNS)', async () => {
    const path = join(scratch, 'wide.csv');
    writeFileSync(path, `${Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(9_999)}1\n`);
    await expect(fileShape(path, 'csv', limits)).rejects.toMatchObject({ code: DatasetsErrors.tooManyColumns });
  });

  it('refuses an empty file, a blank column name and a repeated one (422 DATA.BAD_HEADER)', async () => {
    for (const [name, content] of [['empty.csv', ''], ['blank.csv', 'a,,c\n1,2,3\n'], ['twice.csv', 'a,b,a\n1,2,3\n']]) {
      const path = join(scratch, name);
      writeFileSync(path, content);
      await expect(fileShape(path, 'csv', limits)).rejects.toMatchObject({ code: DatasetsErrors.badHeader });
    }
  });

  it('reads a 2 MB cell whole (the field rules then reject it by size), without failing the file', async () => {
    const path = join(scratch, 'big-cell.csv');
    writeFileSync(path, `name,blob\nAlice,"${'x'.repeat(2 * 1024 * 1024)}"\nBob,small\n`);
    const records = await all(path, 'csv');
    expect(records).toHaveLength(2);
    expect(String(records[0].values?.get('blob')).length).toBe(2 * 1024 * 1024);
  });

  it('fails the file at the line where a record passes the record size limit', async () => {
    const path = join(scratch, 'huge-record.csv');
    writeFileSync(path, `name,blob\nAlice,small\nBob,"${'x'.repeat(70_000)}"\n`);
    const shape = await fileShape(path, 'csv', { ...limits, maxRecordBytes: 65_536 });
    await expect(
      (async () => {
        for await (const record of readRecords(path, shape, { ...limits, maxRecordBytes: 65_536 }).records) void record;
      })(),
    ).rejects.toMatchObject({ line: 3 });
  });

  it('refuses invalid UTF-8 in the first bytes at once (422 DATA.UNKNOWN_FORMAT), and fails the file where it appears later', async () => {
    await expect(fileShape(fixture('invalid-utf8.csv'), 'csv', limits)).rejects.toMatchObject({ code: DatasetsErrors.unknownFormat });
    const shape = { format: 'csv' as const, header: ['name', 'city'], delimiter: ',' };
    const read = async () => {
      for await (const record of readRecords(fixture('invalid-utf8.csv'), shape, limits).records) void record;
    };
    await expect(read()).rejects.toBeInstanceOf(MalformedFileError);
  });

  it('rejects a JSON record with a duplicate key, keeps __proto__ as a plain column, and gives each record its first line', async () => {
    const records = await all(fixture('duplicate-keys.json'), 'json');
    expect(records.map((record) => [record.line, record.problem?.rule ?? 'ok'])).toEqual([
      [2, 'ok'],
      [3, 'duplicate-key'],
      [4, 'ok'],
      [5, 'ok'],
    ]);
    expect(records[1].problem?.column).toBe('age');
    const eve = records[2].values as Map<string, unknown>;
    expect([...eve.keys()]).toEqual(['__proto__', 'name']);
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    expect(Object.getPrototypeOf(eve.get('__proto__'))).toBeNull();
  });

  it('refuses JSON that is not an array (422 DATA.UNKNOWN_FORMAT)', async () => {
    const path = join(scratch, 'object.json');
    writeFileSync(path, '{"name": "Alice"}');
    await expect(fileShape(path, 'json', limits)).rejects.toMatchObject({ code: DatasetsErrors.unknownFormat });
  });

  it('fails a JSON array that ends early, after the records before it', async () => {
    const path = join(scratch, 'cut.json');
    writeFileSync(path, '[{"a":1},\n{"a":2},\n{"a":');
    await expect(all(path, 'json')).rejects.toBeInstanceOf(MalformedFileError);
  });

  it('rejects a broken NDJSON line and reads the next ones, skipping blank lines', async () => {
    const records = await all(fixture('broken-line.ndjson'), 'ndjson');
    expect(records.map((record) => [record.line, record.problem?.rule ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'malformed'],
      [3, 'ok'],
      [5, 'ok'],
    ]);
    expect(valuesOf(records[3])).toEqual({ name: 'Dan', age: 19 });
  });
});

describe('JSON grammar (the tokenizer splits, the assembler checks)', () => {
  const write = (name: string, content: string) => {
    const path = join(scratch, name);
    writeFileSync(path, content);
    return path;
  };

  it.each([
    ['a missing comma between keys', '{"a":1 "b":2}'],
    ['two objects on one line', '{"a":1} {"b":2}'],
    ['a missing colon', '{"a" 1, "b" 2}'],
    ['a trailing comma', '{"a":1,}'],
  ])('rejects an NDJSON line with %s as malformed, and reads the next line', async (_what, line) => {
    const records = await all(write('bad.ndjson', `${line}\n{"ok":1}\n`), 'ndjson');
    expect(records.map((record) => [record.line, record.problem?.rule ?? 'ok'])).toEqual([
      [1, 'malformed'],
      [2, 'ok'],
    ]);
  });

  it.each([
    ['a missing comma between records', '[{"a":1}\n{"a":2}]'],
    ['a second array after the first', '[{"a":1}][{"a":2}]'],
    ['a trailing comma', '[{"a":1},]'],
  ])('fails a JSON array with %s as malformed', async (_what, content) => {
    await expect(all(write('bad.json', content), 'json')).rejects.toBeInstanceOf(MalformedFileError);
  });

  it('rejects a record with more keys than columns allowed, and one nested too deeply', async () => {
    const wide = `{${Array.from({ length: 1001 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const deep = `{"a":${'['.repeat(70)}${']'.repeat(70)}}`;
    const records = await all(write('wide.ndjson', `${wide}\n${deep}\n`), 'ndjson');
    expect(records.map((record) => record.problem?.rule)).toEqual(['columns', 'malformed']);
  });
});

import { describe, expect, it } from 'vitest';
import { filenameFromDisposition } from './download';
import { cellText, columnsOf, nextSort, sortOf, visibleRange } from './grid';
import { jobProgress } from './ImportJobView';
import { importContentType } from './import-upload';
import { emptyDraft, isChanged, toDraft, toFields } from './schema-draft';
import { emptyStep, missingInputs, toSteps } from './transform-steps';

describe('the file name of a download', () => {
  it('comes from filename* (UTF-8) first, then filename, else the fallback', () => {
    expect(filenameFromDisposition(`attachment; filename="Ledger 2024-v1.csv"; filename*=UTF-8''Ledger%202024-v1.csv`, 'x.csv')).toBe('Ledger 2024-v1.csv');
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''%EB%8D%B0%EC%9D%B4%ED%84%B0-v2.json`, 'x.json')).toBe('데이터-v2.json');
    expect(filenameFromDisposition('attachment; filename="rejected-66aa.csv"', 'x.csv')).toBe('rejected-66aa.csv');
    expect(filenameFromDisposition('attachment; filename=plain.ndjson', 'x')).toBe('plain.ndjson');
    expect(filenameFromDisposition('attachment', 'fallback.csv')).toBe('fallback.csv');
    expect(filenameFromDisposition(null, 'fallback.csv')).toBe('fallback.csv');
  });

  it('never keeps a path or control characters', () => {
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', 'x')).toBe('.._.._etc_passwd');
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''a%0Ab.csv`, 'x')).toBe('a_b.csv');
    expect(filenameFromDisposition('attachment; filename=".."', 'safe.csv')).toBe('safe.csv');
  });
});

describe('an import’s Content-Type', () => {
  it('follows the extension, then the browser’s type, else lets the API sniff', () => {
    expect(importContentType({ name: 'People.CSV', type: 'application/vnd.ms-excel' })).toBe('text/csv');
    expect(importContentType({ name: 'people.tsv', type: '' })).toBe('text/csv');
    expect(importContentType({ name: 'events.ndjson', type: '' })).toBe('application/x-ndjson');
    expect(importContentType({ name: 'events.jsonl', type: '' })).toBe('application/x-ndjson');
    expect(importContentType({ name: 'rows.json', type: '' })).toBe('application/json');
    expect(importContentType({ name: 'export', type: 'application/json' })).toBe('application/json');
    expect(importContentType({ name: 'mystery.bin', type: 'image/png' })).toBe('application/octet-stream');
  });
});

describe('an import job’s progress', () => {
  it('is the share of bytes read, and complete once the job is finished', () => {
    expect(jobProgress({ status: 'queued', bytes: 0, bytesRead: 0 })).toBe(0);
    expect(jobProgress({ status: 'running', bytes: 200, bytesRead: 50 })).toBe(25);
    expect(jobProgress({ status: 'running', bytes: 200, bytesRead: 500 })).toBe(100);
    expect(jobProgress({ status: 'failed', bytes: 200, bytesRead: 10 })).toBe(100);
  });
});

describe('the windowed table', () => {
  it('renders the rows in view and a few either side, never past the ends', () => {
    expect(visibleRange({ scrollTop: 0, viewport: 360, rowHeight: 36, count: 1000, overscan: 5 })).toEqual({ start: 0, end: 16 });
    expect(visibleRange({ scrollTop: 3600, viewport: 360, rowHeight: 36, count: 1000, overscan: 5 })).toEqual({ start: 95, end: 116 });
    expect(visibleRange({ scrollTop: 1e9, viewport: 360, rowHeight: 36, count: 1000, overscan: 5 })).toEqual({ start: 994, end: 1000 });
    expect(visibleRange({ scrollTop: 0, viewport: 360, rowHeight: 36, count: 3, overscan: 5 })).toEqual({ start: 0, end: 3 });
    expect(visibleRange({ scrollTop: 0, viewport: 360, rowHeight: 36, count: 0, overscan: 5 })).toEqual({ start: 0, end: 0 });
  });

  it('shows values as text, and finds columns beyond the schema', () => {
    expect([cellText(null), cellText(undefined), cellText('a'), cellText(3.5), cellText(false), cellText({ a: [1] })]).toEqual(['', '', 'a', '3.5', 'false', '{"a":[1]}']);
    expect(columnsOf([{ b: 1, extra: 2 }, { a: 1, later: 3 }], ['a', 'b'])).toEqual(['a', 'b', 'extra', 'later']);
  });

  it('sorts by a clicked column ascending, then descending, then not at all', () => {
    expect(nextSort('', 'age')).toBe('age');
    expect(nextSort('age', 'age')).toBe('-age');
    expect(nextSort('-age,name', 'age')).toBe('');
    expect(nextSort('-age', 'name')).toBe('name');
    expect([sortOf('age,name', 'age'), sortOf('-age', 'age'), sortOf('name,age', 'age')]).toEqual(['ascending', 'descending', 'none']);
  });
});

describe('the schema editor’s fields', () => {
  it('become DataFieldDto bodies: numbers, a pattern and allowed values only when given', () => {
    const drafts = [
      { ...emptyDraft(1), name: ' code ', required: true, pattern: '^[A-Z]{2}$', enumText: 'AB, CD,, EF ' },
      { ...emptyDraft(2), name: 'score', type: 'number' as const, min: '0', max: ' 100.5 ' },
    ];
    expect(toFields(drafts)).toEqual({
      fields: [
        { name: 'code', type: 'string', required: true, pattern: '^[A-Z]{2}$', enum: ['AB', 'CD', 'EF'] },
        { name: 'score', type: 'number', required: false, min: 0, max: 100.5 },
      ],
    });
  });

  it('are refused before asking: no fields, bad or repeated names, numbers that are not, min over max', () => {
    expect(toFields([])).toEqual({ problems: [{ problem: 'noFields' }] });
    expect(
      toFields([
        { ...emptyDraft(1), name: '' },
        { ...emptyDraft(2), name: '__proto__' },
        { ...emptyDraft(3), name: 'age', min: 'ten' },
        { ...emptyDraft(4), name: 'age', min: '5', max: '1' },
      ]),
    ).toEqual({
      problems: [
        { problem: 'name', n: 1 },
        { problem: 'name', n: 2 },
        { problem: 'number', n: 3, name: 'age' },
        { problem: 'duplicate', name: 'age' },
        { problem: 'range', n: 4, name: 'age' },
      ],
    });
  });

  it('know whether they differ from the saved schema', () => {
    const saved = [{ name: 'age', type: 'integer' as const, required: false, min: 0, enum: ['1', '2'] }];
    const drafts = saved.map((field, index) => toDraft(field, index + 10));
    expect(drafts[0]).toMatchObject({ min: '0', max: '', enumText: '1, 2' });
    expect(isChanged(drafts, saved)).toBe(false);
    expect(isChanged(drafts.map((draft) => ({ ...draft, max: '9' })), saved)).toBe(true);
  });
});

describe('the transformation builder’s steps', () => {
  it('send only the inputs of their op', () => {
    const steps = [
      { ...emptyStep(1, 'rename'), field: 'qty', to: 'quantity', expression: 'ignored' },
      { ...emptyStep(2, 'cast'), field: 'quantity', type: 'integer' as const, onError: 'skip-row' as const },
      { ...emptyStep(3, 'derive'), field: 'total', type: 'number' as const, expression: ' price * quantity ' },
      { ...emptyStep(4, 'filter'), expression: 'total > 1' },
      { ...emptyStep(5, 'dedupe'), fieldsText: 'item' },
      { ...emptyStep(6, 'sort'), fieldsText: '-total, item' },
      { ...emptyStep(7, 'drop'), fieldsText: 'price' },
    ];
    expect(toSteps(steps)).toEqual({
      steps: [
        { op: 'rename', field: 'qty', to: 'quantity' },
        { op: 'cast', field: 'quantity', type: 'integer', onError: 'skip-row' },
        { op: 'derive', field: 'total', type: 'number', expression: 'price * quantity' },
        { op: 'filter', expression: 'total > 1' },
        { op: 'dedupe', fields: ['item'] },
        { op: 'sort', fields: ['-total', 'item'] },
        { op: 'drop', fields: ['price'] },
      ],
    });
  });

  it('say which inputs a step still lacks', () => {
    expect(missingInputs(emptyStep(1, 'rename'))).toEqual(['field', 'to']);
    expect(missingInputs(emptyStep(1, 'cast'))).toEqual(['field']);
    expect(missingInputs({ ...emptyStep(1, 'sort'), fieldsText: ' , ' })).toEqual(['fields']);
    expect(toSteps([{ ...emptyStep(1, 'filter'), expression: 'a' }, emptyStep(2, 'derive')])).toEqual({ incomplete: [{ n: 2, missing: ['field', 'expression'] }] });
  });
});

import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../api/errors';
import { gatewayError, type Handler, json, MEMBER } from '../../../test/api-mock';
import { renderApp } from '../../../test/render';
import type { DatasetVersion, ImportJob } from './data-queries';
import { startImport } from './import-upload';
import type { Dataset } from './queries';

vi.mock('./import-upload', async (importOriginal) => ({ ...(await importOriginal<typeof import('./import-upload')>()), startImport: vi.fn() }));

const ID = '660000000000000000000001';
const BASE = `/api/v1/data/datasets/${ID}`;
const JOB_ID = '670000000000000000000001';
const at = '2025-01-01T10:00:00.000Z';
const PEOPLE: Dataset = {
  id: ID,
  ownerId: MEMBER.id,
  name: 'People',
  description: 'Who is who',
  schema: [
    { name: 'name', type: 'string', required: true },
    { name: 'age', type: 'integer', required: false, min: 0, max: 150 },
  ],
  rowCount: 7,
  version: 2,
  createdAt: at,
  updatedAt: at,
};
const job = (extra: Partial<ImportJob>): ImportJob => ({
  jobId: JOB_ID,
  datasetId: ID,
  status: 'running',
  mode: 'skip-invalid',
  format: 'csv',
  bytes: 200,
  bytesRead: 100,
  rowsRead: 5,
  rowsImported: 4,
  rowsRejected: 1,
  errors: [],
  version: null,
  failure: null,
  createdAt: at,
  finishedAt: null,
  ...extra,
});
const ERRORS: ImportJob['errors'] = [
  { line: 3, column: 'age', value: 'abc', rule: 'type', message: 'age must be an integer' },
  { line: 6, column: 'age', value: '200', rule: 'max', message: 'age must be at most 150' },
  { line: 9, column: null, value: 'x,y,z,w', rule: 'columns', message: 'The row has 4 values; the header has 3 columns' },
];
const rows = (count: number, from = 0) => Array.from({ length: count }, (_, i) => ({ id: `r${from + i}`, data: { name: `Person ${from + i}`, age: 20 + ((from + i) % 50) } }));
const csvFile = (body: string, headers: Record<string, string> = {}) => new Response(body, { status: 200, headers: { 'content-type': 'text/csv', ...headers } });

let saved: { href: string; download: string }[];
let blobs: Blob[];

beforeEach(() => {
  saved = [];
  blobs = [];
  URL.createObjectURL = vi.fn((blob: Blob) => {
    blobs.push(blob);
    return `blob:http://localhost/${blobs.length}`;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ href: this.href, download: this.download });
  });
  vi.mocked(startImport).mockReset();
});

/** The dataset page against a fake gateway: the dataset, no jobs, no versions, no rows, unless `handlers` say otherwise. */
async function openDataset(handlers: Record<string, Handler> = {}, dataset: () => Dataset = () => PEOPLE) {
  return renderApp(`/data/datasets/${ID}`, {
    user: MEMBER,
    handlers: {
      [`GET ${BASE}`]: () => json(200, dataset()),
      [`GET ${BASE}/imports`]: () => json(200, { items: [] }),
      [`GET ${BASE}/versions`]: () => json(200, { items: [] }),
      [`GET ${BASE}/rows`]: () => json(200, { items: [], nextCursor: null }),
      ...handlers,
    },
  });
}

function fileInput(): HTMLInputElement {
  const input = document.querySelector<HTMLInputElement>('input[type="file"]');
  if (!input) throw new Error('no file input');
  return input;
}

const query = (request: Request | undefined) => Object.fromEntries(new URL(request?.url ?? 'http://x').searchParams);

describe('the dataset page', () => {
  it('sums the dataset up: rows, version and typed fields', async () => {
    await openDataset();
    const summary = await screen.findByRole('region', { name: 'Summary' });
    expect(within(summary).getByRole('row', { name: /Rows/ })).toHaveTextContent('7');
    expect(within(summary).getByRole('row', { name: /Version/ })).toHaveTextContent('2');
    expect(within(summary).getByRole('row', { name: /Fields/ })).toHaveTextContent('name (Text, required)age (Integer)');
    expect(screen.getByRole('tablist', { name: 'Dataset sections' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Import', selected: true })).toBeInTheDocument();
  });

  it('imports a chosen file in skip-invalid mode with an upload progress bar, follows the job, lists its errors by line and downloads the rejected rows', async () => {
    let finish: (value: { jobId: string; status: 'queued' }) => void = () => undefined;
    vi.mocked(startImport).mockImplementationOnce((_tokens, _id, _file, _mode, onProgress) => {
      onProgress(0.4);
      return new Promise((resolve) => (finish = resolve));
    });
    let answers = [job({ status: 'queued', bytesRead: 0, rowsRead: 0, rowsImported: 0, rowsRejected: 0 }), job({}), job({ status: 'completed', bytesRead: 200, rowsRead: 10, rowsImported: 7, rowsRejected: 3, errors: ERRORS, version: 3, finishedAt: at })];
    let current = PEOPLE;
    const { user, gateway } = await openDataset(
      {
        [`GET ${BASE}/imports/${JOB_ID}`]: () => {
          const [answer = job({}), ...rest] = answers;
          if (rest.length > 0) answers = rest;
          if (answer.status === 'completed') current = { ...PEOPLE, rowCount: 14, version: 3 };
          return json(200, answer);
        },
        [`GET ${BASE}/imports/${JOB_ID}/rejected.csv`]: () => csvFile('name,age,city,_line,_error,_record\nBob,abc,Busan,3,age must be an integer,\n', { 'content-disposition': `attachment; filename="rejected-${JOB_ID}.csv"` }),
      },
      () => current,
    );
    await user.click(await screen.findByRole('radio', { name: /Skip invalid rows/ }));
    const input = fileInput();
    expect(input.accept).toContain('.csv');
    const file = new File(['name,age\n'], 'people.csv', { type: 'text/csv' });
    await user.upload(input, file);

    expect(await screen.findByRole('progressbar', { name: 'Uploading people.csv' })).toHaveAttribute('aria-valuenow', '40');
    expect(vi.mocked(startImport).mock.calls[0]?.slice(1, 4)).toEqual([ID, file, 'skip-invalid']);

    finish({ jobId: JOB_ID, status: 'queued' });
    const view = await screen.findByRole('region', { name: 'Import of people.csv' });
    // queued, then half the file read, then done
    await waitFor(() => expect(within(view).getByRole('progressbar', { name: 'Import progress' })).toHaveAttribute('aria-valuenow', '50'));
    expect(within(view).getByTestId('import-job-counts')).toHaveTextContent('Rows read5Imported4Rejected1');
    expect(await within(view).findByRole('status')).toHaveTextContent('Import completed: 7 rows imported, 3 rejected. Version 3 is current.');
    expect(within(view).getByTestId('import-job-status')).toHaveTextContent('Completed');

    const errors = within(view).getByRole('table', { name: 'Errors' });
    const lines = within(errors)
      .getAllByRole('row')
      .slice(1)
      .map((row) => within(row).getAllByRole('cell').map((cell) => cell.textContent));
    expect(lines).toEqual([
      ['3', 'age', 'abc', 'type', 'age must be an integer'],
      ['6', 'age', '200', 'max', 'age must be at most 150'],
      ['9', '(whole row)', 'x,y,z,w', 'columns', 'The row has 4 values; the header has 3 columns'],
    ]);

    // the job is finished: the dataset is read again (its new version and row count)
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Summary' })).getByRole('row', { name: /Rows/ })).toHaveTextContent('14'));

    await user.click(within(view).getByRole('button', { name: 'Download rejected rows' }));
    expect(await within(view).findByText(`Downloaded rejected-${JOB_ID}.csv`)).toBeInTheDocument();
    expect(saved).toEqual([{ href: 'blob:http://localhost/1', download: `rejected-${JOB_ID}.csv` }]);
    expect(await blobs[0]?.text()).toBe('name,age,city,_line,_error,_record\nBob,abc,Busan,3,age must be an integer,\n');
    expect(gateway.calls('GET', `${BASE}/imports/${JOB_ID}/rejected.csv`)[0]?.headers.get('authorization')).toBe('Bearer access-1');
  });

  it('says in words why a dropped file was refused, and why a strict import failed', async () => {
    vi.mocked(startImport)
      .mockRejectedValueOnce(new ApiError({ status: 422, code: 'DATA.BAD_HEADER', message: 'The column other is not in the schema' }))
      .mockResolvedValueOnce({ jobId: JOB_ID, status: 'queued' });
    const { user } = await openDataset({
      [`GET ${BASE}/imports/${JOB_ID}`]: () =>
        json(200, job({ status: 'failed', mode: 'strict', rowsRejected: 1, errors: ERRORS.slice(0, 1), failure: { code: 'DATA.INVALID_ROWS', message: '1 row is invalid; nothing was imported' } })),
      [`GET ${BASE}/imports/${JOB_ID}/rejected.csv`]: () => gatewayError(404, 'DATA.JOB_NOT_FOUND', 'gone'),
    });
    // dropped on the drop zone
    const dropped = new File(['other\n1\n'], 'other.csv', { type: 'text/csv' });
    fireEvent.drop(await screen.findByTestId('import-drop-zone'), { dataTransfer: { files: [dropped] } });
    expect(vi.mocked(startImport).mock.calls[0]?.[2]).toBe(dropped);
    expect(await screen.findByRole('alert')).toHaveTextContent('other.csv was not imported: The header row is missing or does not fit the dataset’s schema.The column other is not in the schema');

    await user.upload(fileInput(), new File(['name,age\nBob,abc\n'], 'bad.csv', { type: 'text/csv' }));
    const view = await screen.findByRole('region', { name: 'Import of bad.csv' });
    expect(await within(view).findByRole('alert')).toHaveTextContent('Import failed: 1 row is invalid; nothing was imported');
    expect(vi.mocked(startImport).mock.calls[1]?.[3]).toBe('strict');
    await user.click(within(view).getByRole('button', { name: 'Download rejected rows' }));
    expect(await within(view).findByText('Something went wrong')).toBeInTheDocument();
    expect(saved).toEqual([]);
  });

  it('filters and sorts the rows, shows a refused filter’s message, and pages by cursor', async () => {
    const { user, gateway } = await openDataset({
      [`GET ${BASE}/rows`]: (request) => {
        const params = new URL(request.url).searchParams;
        if (params.get('filter') === 'age=gt=') return gatewayError(400, 'DATA.BAD_FILTER', 'The filter is not valid RSQL at 7');
        if (params.get('cursor') === 'page-2') return json(200, { items: rows(2, 50), nextCursor: null });
        return json(200, { items: rows(3), nextCursor: 'page-2' });
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Rows' }));
    const grid = await screen.findByRole('table', { name: 'Rows of the dataset' });
    expect(within(grid).getAllByRole('row')).toHaveLength(4);
    expect(within(grid).getAllByRole('columnheader').map((header) => header.textContent)).toEqual(['name', 'age']);
    expect(screen.getByText('Page 1: 3 rows')).toBeInTheDocument();

    await user.click(within(grid).getByRole('button', { name: 'age' }));
    await waitFor(() => expect(query(gateway.calls('GET', `${BASE}/rows`).at(-1))).toMatchObject({ sort: 'age', limit: '50' }));
    expect(within(screen.getByRole('table', { name: 'Rows of the dataset' })).getAllByRole('columnheader')[1]).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('textbox', { name: /^Sort/ })).toHaveValue('age');

    await user.type(screen.getByRole('textbox', { name: /^Filter/ }), 'age=gt=');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The rows could not be read: The filter is not valid RSQL at 7');

    await user.clear(screen.getByRole('textbox', { name: /^Filter/ }));
    await user.type(screen.getByRole('textbox', { name: /^Filter/ }), 'age=ge=30');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Rows per page' }), '100');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(query(gateway.calls('GET', `${BASE}/rows`).at(-1))).toEqual({ filter: 'age=ge=30', sort: 'age', limit: '100' }));
    await screen.findByText('Page 1: 3 rows');

    await user.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('Page 2: 2 rows')).toBeInTheDocument();
    expect(query(gateway.calls('GET', `${BASE}/rows`).at(-1))).toMatchObject({ cursor: 'page-2', filter: 'age=ge=30' });
    expect(screen.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('Page 1: 3 rows')).toBeInTheDocument();
  });

  it('renders only the rows in view of a page of 1000, and the others as it scrolls', async () => {
    const { user } = await openDataset({ [`GET ${BASE}/rows`]: () => json(200, { items: rows(1000), nextCursor: null }) });
    await user.click(await screen.findByRole('tab', { name: 'Rows' }));
    const grid = await screen.findByRole('table', { name: 'Rows of the dataset' });
    expect(grid).toHaveAttribute('aria-rowcount', '1001');
    const rendered = within(grid).getAllByRole('row');
    expect(rendered.length).toBeLessThan(40);
    expect(within(grid).getByText('Person 0')).toBeInTheDocument();
    expect(within(grid).queryByText('Person 500')).not.toBeInTheDocument();

    fireEvent.scroll(grid, { target: { scrollTop: 500 * 36 } });
    expect(await within(grid).findByText('Person 500')).toBeInTheDocument();
    expect(within(grid).queryByText('Person 0')).not.toBeInTheDocument();
    expect(within(grid).getByText('Person 500').closest('[role="row"]')).toHaveAttribute('aria-rowindex', '502');
  });

  it('exports the rows as CSV with a BOM and the filter, and as JSON without them', async () => {
    const { user, gateway } = await openDataset({
      [`GET ${BASE}/rows`]: () => json(200, { items: rows(2), nextCursor: null }),
      [`GET ${BASE}/export`]: (request) => {
        const format = new URL(request.url).searchParams.get('format');
        return csvFile(format === 'csv' ? '\uFEFFname,age\n' : '[]', { 'content-disposition': `attachment; filename="People-v2.${format}"; filename*=UTF-8''People-v2.${format}` });
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Rows' }));
    await user.type(await screen.findByRole('textbox', { name: /^Filter/ }), 'age>30');
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    const exports = screen.getByRole('region', { name: 'Export' });
    await user.click(within(exports).getByRole('checkbox', { name: /byte order mark/ }));
    expect(within(exports).getByRole('checkbox', { name: 'Only the rows matching the filter (age>30)' })).toBeChecked();
    await user.click(within(exports).getByRole('button', { name: 'Export CSV' }));
    expect(await within(exports).findByRole('status')).toHaveTextContent('Downloaded People-v2.csv');
    expect(query(gateway.calls('GET', `${BASE}/export`)[0])).toEqual({ format: 'csv', filter: 'age>30', bom: 'true' });
    expect(gateway.calls('GET', `${BASE}/export`)[0]?.headers.get('authorization')).toBe('Bearer access-1');

    await user.click(within(exports).getByRole('checkbox', { name: /Only the rows matching/ }));
    await user.click(within(exports).getByRole('button', { name: 'Export JSON' }));
    await waitFor(() => expect(saved.map((file) => file.download)).toEqual(['People-v2.csv', 'People-v2.json']));
    expect(query(gateway.calls('GET', `${BASE}/export`)[1])).toEqual({ format: 'json' });
  });

  it('edits the schema, checks it before asking, and shows the API’s refusal', async () => {
    const puts: unknown[] = [];
    let answer = () => gatewayError(422, 'DATA.SCHEMA_CONFLICT', 'age: 2 rows are above the new max (first: line 4)');
    const { user } = await openDataset({
      [`PUT ${BASE}/schema`]: async (request) => {
        puts.push(await request.json());
        return answer();
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Schema' }));
    const editor = await screen.findByRole('region', { name: 'Schema' });
    const save = within(editor).getByRole('button', { name: 'Save schema' });
    expect(save).toBeDisabled();

    await user.click(within(editor).getByRole('button', { name: 'Add field' }));
    await user.click(within(editor).getByRole('button', { name: 'Save schema' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('Field 3: the name must be 1 to 128 characters');
    expect(puts).toHaveLength(0);
    await user.click(within(editor).getByRole('button', { name: 'Remove field 3' }));

    const max = within(editor).getByRole('textbox', { name: 'Max of age' });
    await user.clear(max);
    await user.type(max, '40');
    await user.type(within(editor).getByRole('textbox', { name: 'Allowed values of name' }), 'Ada, Bob');
    await user.click(within(editor).getByRole('button', { name: 'Save schema' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('The schema was not saved: age: 2 rows are above the new max (first: line 4)');
    expect(puts).toEqual([
      {
        fields: [
          { name: 'name', type: 'string', required: true, enum: ['Ada', 'Bob'] },
          { name: 'age', type: 'integer', required: false, min: 0, max: 40 },
        ],
      },
    ]);

    answer = () => json(200, { ...PEOPLE, schema: (puts[0] as { fields: Dataset['schema'] }).fields });
    await user.selectOptions(within(editor).getByRole('combobox', { name: 'Type of age' }), 'number');
    await user.click(within(editor).getByRole('button', { name: 'Save schema' }));
    expect(await within(editor).findByRole('status')).toHaveTextContent('Schema saved');
    expect((puts[1] as { fields: { type: string }[] }).fields[1]?.type).toBe('number');
  });

  it('previews a transformation live, then applies it as a new version', async () => {
    const previews: unknown[] = [];
    let current = PEOPLE;
    const { user, gateway } = await openDataset(
      {
        [`POST ${BASE}/transform/preview`]: async (request) => {
          const body = (await request.json()) as { steps: { to?: string }[] };
          previews.push(body);
          const to = body.steps[0]?.to ?? 'x';
          return json(200, {
            schemaBefore: PEOPLE.schema,
            schemaAfter: [PEOPLE.schema[0], { ...PEOPLE.schema[1], name: to }],
            before: [{ name: 'Ada', age: 36 }],
            after: [{ name: 'Ada', [to]: 36 }],
          });
        },
        [`POST ${BASE}/transform`]: () => {
          current = { ...PEOPLE, version: 3 };
          return json(200, { version: 3, rowsIn: 7, rowsOut: 7 });
        },
      },
      () => current,
    );
    await user.click(await screen.findByRole('tab', { name: 'Transform' }));
    const builder = await screen.findByRole('region', { name: 'Transformation' });
    await user.click(within(builder).getByRole('button', { name: 'Preview' }));
    expect(await within(builder).findByRole('alert')).toHaveTextContent('Step 1 is missing: Field, New name');
    expect(previews).toHaveLength(0);

    const step = within(builder).getByRole('group', { name: 'Step 1' });
    await user.type(within(step).getByRole('combobox', { name: 'Field' }), 'age');
    await user.type(within(step).getByRole('textbox', { name: 'New name' }), 'years');
    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(await within(preview).findByRole('status')).toHaveTextContent('The first 1 rows before; 1 after the steps.');
    const after = within(preview).getByRole('table', { name: 'After' });
    expect(within(after).getAllByRole('columnheader').map((header) => header.textContent)).toEqual(['name', 'years']);
    expect(previews.at(-1)).toEqual({ steps: [{ op: 'rename', field: 'age', to: 'years' }] });

    // live: a change asks again
    await user.type(within(step).getByRole('textbox', { name: 'New name' }), '2');
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'After' })).getAllByRole('columnheader').map((header) => header.textContent)).toEqual(['name', 'years2']));

    await user.click(within(builder).getByRole('button', { name: 'Apply transformation' }));
    expect(await within(builder).findByRole('status')).toHaveTextContent('Transformation applied: version 3 is current (7 rows in, 7 out).');
    expect(await gateway.calls('POST', `${BASE}/transform`)[0]?.json()).toEqual({ steps: [{ op: 'rename', field: 'age', to: 'years2' }] });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Summary' })).getByRole('row', { name: /Version/ })).toHaveTextContent('3'));
    expect(screen.queryByRole('region', { name: 'Preview' })).not.toBeInTheDocument();
  });

  it('offers the steps’ own inputs: a cast’s type and what a value that does not convert does', async () => {
    const { user } = await openDataset({ [`POST ${BASE}/transform/preview`]: () => gatewayError(400, 'DATA.BAD_TRANSFORMATION', 'expression: $eval is not allowed') });
    await user.click(await screen.findByRole('tab', { name: 'Transform' }));
    const builder = await screen.findByRole('region', { name: 'Transformation' });
    const step = within(builder).getByRole('group', { name: 'Step 1' });
    await user.selectOptions(within(step).getByRole('combobox', { name: 'Operation' }), 'cast');
    expect(within(step).getByRole('combobox', { name: 'Type' })).toBeInTheDocument();
    expect(within(step).getByRole('combobox', { name: 'If a value does not convert' })).toHaveValue('fail');
    expect(within(step).queryByRole('textbox', { name: 'New name' })).not.toBeInTheDocument();

    await user.selectOptions(within(step).getByRole('combobox', { name: 'Operation' }), 'filter');
    await user.type(within(step).getByRole('textbox', { name: /^Expression/ }), '$eval("1")');
    await user.click(within(builder).getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Preview' });
    expect(await within(preview).findByRole('alert')).toHaveTextContent('The transformation was refused: expression: $eval is not allowed');

    await user.click(within(builder).getByRole('button', { name: 'Add step' }));
    expect(within(builder).getByRole('group', { name: 'Step 2' })).toBeInTheDocument();
    await user.click(within(builder).getByRole('button', { name: 'Remove step 1' }));
    expect(within(builder).getAllByRole('group')).toHaveLength(1);
  });

  it('lists the versions and rolls back to one after confirming', async () => {
    const versions: DatasetVersion[] = [
      { version: 2, source: 'transform', rowCount: 7, schema: PEOPLE.schema, createdAt: at, current: true },
      { version: 1, source: 'import', rowCount: 10, schema: PEOPLE.schema, createdAt: at, current: false },
    ];
    let current = PEOPLE;
    const { user, gateway } = await openDataset(
      {
        [`GET ${BASE}/versions`]: () => json(200, { items: versions }),
        [`POST ${BASE}/rollback`]: () => {
          current = { ...PEOPLE, version: 1, rowCount: 10 };
          return json(200, current);
        },
      },
      () => current,
    );
    await user.click(await screen.findByRole('tab', { name: 'Versions' }));
    const panel = await screen.findByRole('region', { name: 'Versions' });
    const table = await within(panel).findByRole('table', { name: 'Versions' });
    expect(within(table).getAllByRole('row').slice(1).map((row) => within(row).getAllByRole('cell').slice(0, 3).map((cell) => cell.textContent))).toEqual([
      ['2', 'Transformation', '7'],
      ['1', 'Import', '10'],
    ]);
    expect(within(table).getByText('Current')).toBeInTheDocument();

    await user.click(within(table).getByRole('button', { name: 'Roll back to version 1' }));
    const dialog = await screen.findByRole('dialog', { name: 'Roll back to version 1?' });
    await user.click(within(dialog).getByRole('button', { name: 'Roll back' }));
    expect(await within(panel).findByRole('status')).toHaveTextContent('Version 1 is current again.');
    expect(await gateway.calls('POST', `${BASE}/rollback`)[0]?.json()).toEqual({ version: 1 });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Summary' })).getByRole('row', { name: /Rows/ })).toHaveTextContent('10'));
  });
});

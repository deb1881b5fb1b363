import { DatasetsEvents } from '@site11/contracts';
import Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { waitFor } from '../../../../tools/platform/platform.cjs';
import { countEvents } from '../support/events';
import { call, Stack } from '../support/stack';

interface Field {
  name: string;
  type: string;
  required?: boolean;
  min?: number;
  max?: number;
  enum?: string[];
  pattern?: string;
}
interface Dataset {
  id: string;
  name: string;
  schema: Field[];
  rowCount: number;
  version: number;
}
interface Job {
  jobId: string;
  status: string;
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  errors: { line: number; column: string | null; value: string | null; rule: string; message: string }[];
  version: number | null;
  failure: { code: string; message: string } | null;
  code?: string;
}
interface Row {
  id: string;
  data: Record<string, unknown>;
}
interface Someone {
  id: string;
  token: string;
}

/** Events are on streams only with the streams transport; the pub/sub one keeps none. */
const itStreams = process.env['TRANSPORT'] === 'redis' ? it.skip : it;
const MAX_UPLOAD = 256 * 1024;
let stack: Stack;
let db: Connection;
let redis: Redis;

beforeAll(async () => {
  stack = await Stack.start({ servicesEnv: { data: { DATA_MAX_UPLOAD_BYTES: String(MAX_UPLOAD), DATA_MAX_COLUMNS: '50', DATA_VERSIONS_KEPT: '3' } } });
  db = await stack.serviceDb('data');
  redis = new Redis(stack.redisUrl);
});

afterAll(async () => {
  redis?.disconnect();
  await db?.dropDatabase().catch(() => undefined);
  await db?.close();
  await stack?.stop();
});

async function someone(): Promise<Someone> {
  const { id, accessToken } = await stack.signUp('data');
  return { token: accessToken, id };
}

const url = (path = '') => `${stack.api}/data/datasets${path}`;

async function dataset(owner: Someone, name = 'People'): Promise<Dataset> {
  const created = await call<Dataset>(url(), { method: 'POST', token: owner.token, json: { name } });
  expect(created.status).toBe(201);
  return created.body;
}

async function send(owner: Someone, id: string, body: string | Buffer, type = 'text/csv', query = '') {
  return call<Job>(url(`/${id}/imports${query}`), { method: 'POST', token: owner.token, body, headers: { 'content-type': type } });
}

async function finished(owner: Someone, id: string, jobId: string): Promise<Job> {
  let job: Job | undefined;
  await waitFor(
    async () => {
      job = (await call<Job>(url(`/${id}/imports/${jobId}`), { token: owner.token })).body;
      return job.status === 'completed' || job.status === 'failed';
    },
    { timeoutMs: 30_000, what: `import ${jobId}` },
  );
  return job as Job;
}

async function imported(owner: Someone, id: string, body: string | Buffer, type = 'text/csv', query = ''): Promise<Job> {
  const accepted = await send(owner, id, body, type, query);
  expect({ status: accepted.status, body: accepted.body }).toEqual({ status: 202, body: { jobId: expect.stringMatching(/^[a-f0-9]{24}$/), status: 'queued' } });
  expect(accepted.headers.get('location')).toBe(`/api/v1/data/datasets/${id}/imports/${accepted.body.jobId}`);
  return finished(owner, id, accepted.body.jobId);
}

async function rows(owner: Someone, id: string, query = ''): Promise<{ status: number; body: { items: Row[]; nextCursor: string | null; code?: string } }> {
  return call(url(`/${id}/rows${query}`), { token: owner.token });
}

const PEOPLE = 'name;age;city;joined\r\nAlice;31;Seoul;2024-01-05\r\n"Bob ""B""";42;Busan;2023-11-30\r\nCarol;27;"New\nYork";2024-02-01\r\nDan;35;Seoul;2022-07-14\r\n';
const BAD_PEOPLE = 'name,age,city\nAlice,31,Seoul\nBob,abc,Busan\nCarol,27,Seoul\nDan,,Seoul,extra\nEve,-4x,Jeju\nFay,50,Seoul\n';

describe('data imports, rows, transformations and exports through the gateway', () => {
  it('imports a semicolon CSV with a BOM and quoted newlines, infers its schema, and serves its rows', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    const job = await imported(owner, id, `\uFEFF${PEOPLE}`);
    expect(job).toMatchObject({ status: 'completed', rowsRead: 4, rowsImported: 4, rowsRejected: 0, errors: [], version: 1, failure: null });
    const read = await call<Dataset>(url(`/${id}`), { token: owner.token });
    expect(read.body).toMatchObject({ rowCount: 4, version: 1 });
    expect(read.body.schema).toEqual([
      { name: 'name', type: 'string' },
      { name: 'age', type: 'integer' },
      { name: 'city', type: 'string' },
      { name: 'joined', type: 'date' },
    ]);
    const page = await rows(owner, id);
    expect(page.body.items.map((row) => row.data)).toEqual([
      { name: 'Alice', age: 31, city: 'Seoul', joined: '2024-01-05' },
      { name: 'Bob "B"', age: 42, city: 'Busan', joined: '2023-11-30' },
      { name: 'Carol', age: 27, city: 'New\nYork', joined: '2024-02-01' },
      { name: 'Dan', age: 35, city: 'Seoul', joined: '2022-07-14' },
    ]);
    // stored in the version's own collection, as typed values
    expect(await db.collection(`rows_${id}_1`).countDocuments()).toBe(4);
  });

  it('fails a strict import with invalid rows, changing nothing, and lists each error with the line it starts on', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    await imported(owner, id, 'name,age,city\nZed,60,Seoul\n');
    const job = await imported(owner, id, BAD_PEOPLE);
    // nothing of a failed import counts as imported, whatever its progress showed
    expect(job).toMatchObject({ status: 'failed', rowsRead: 6, rowsImported: 0, rowsRejected: 3, failure: { code: 'DATA.INVALID_ROWS' } });
    expect(job.errors).toEqual([
      { line: 3, column: 'age', value: 'abc', rule: 'type', message: 'age must be an integer' },
      { line: 5, column: null, value: 'Dan,,Seoul,extra', rule: 'columns', message: 'The row has 4 values; the header has 3 columns' },
      { line: 6, column: 'age', value: '-4x', rule: 'type', message: 'age must be an integer' },
    ]);
    const read = await call<Dataset>(url(`/${id}`), { token: owner.token });
    expect(read.body).toMatchObject({ version: 1, rowCount: 1 });
    expect((await rows(owner, id)).body.items.map((row) => row.data['name'])).toEqual(['Zed']);
    // what the failed version wrote is gone
    const names = (await db.db?.listCollections({}, { nameOnly: true }).toArray())?.map((collection) => collection.name) ?? [];
    expect(names.filter((name) => name.startsWith(`rows_${id}_`))).toEqual([`rows_${id}_1`]);
  });

  it('imports the valid rows with ?mode=skip-invalid and serves the rejected ones as CSV with their line and reason', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    await imported(owner, id, 'name,age,city\nZed,60,Seoul\n');
    const job = await imported(owner, id, BAD_PEOPLE, 'text/csv', '?mode=skip-invalid');
    expect(job).toMatchObject({ status: 'completed', rowsRead: 6, rowsImported: 3, rowsRejected: 3, version: 2 });
    expect(job.errors.map((error) => error.line)).toEqual([3, 5, 6]);
    const rejected = await fetch(url(`/${id}/imports/${job.jobId}/rejected.csv`), { headers: { authorization: `Bearer ${owner.token}` } });
    expect(rejected.status).toBe(200);
    expect(rejected.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(rejected.headers.get('content-disposition')).toMatch(/^attachment; filename="rejected-[a-f0-9]{24}\.csv"/);
    // a row that does not fit the columns comes back whole in _record, to fix and import again
    expect(await rejected.text()).toBe(
      'name,age,city,_line,_error,_record\nBob,abc,Busan,3,age must be an integer,\n,,,5,The row has 4 values; the header has 3 columns,"Dan,,Seoul,extra"\nEve,\'-4x,Jeju,6,age must be an integer,\n',
    );
    expect((await rows(owner, id)).body.items.map((row) => row.data['name'])).toEqual(['Alice', 'Carol', 'Fay']);
    // the fixed rejected file imports as is: _line and _error are ignored
    const fixed = await imported(owner, id, 'name,age,city,_line,_error\nBob,40,Busan,3,age must be an integer\n', 'text/csv');
    expect(fixed).toMatchObject({ status: 'completed', rowsImported: 1 });
  });

  it('keeps versions, rolls back to one, and forgets those past the retention', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    for (const name of ['one', 'two', 'three', 'four']) await imported(owner, id, `name\n${name}\n`);
    const versions = await call<{ items: { version: number; rowCount: number; current: boolean; source: string }[] }>(url(`/${id}/versions`), { token: owner.token });
    expect(versions.body.items.map((version) => [version.version, version.current, version.source])).toEqual([
      [4, true, 'import'],
      [3, false, 'import'],
      [2, false, 'import'],
    ]);
    const rolled = await call<Dataset>(url(`/${id}/rollback`), { method: 'POST', token: owner.token, json: { version: 2 } });
    expect(rolled.status).toBe(200);
    expect(rolled.body.version).toBe(2);
    expect((await rows(owner, id)).body.items.map((row) => row.data['name'])).toEqual(['two']);
    const gone = await call(url(`/${id}/rollback`), { method: 'POST', token: owner.token, json: { version: 1 } });
    expect({ status: gone.status, code: gone.body['code'] }).toEqual({ status: 404, code: 'DATA.VERSION_NOT_FOUND' });
    expect(await db.collection(`rows_${id}_1`).countDocuments()).toBe(0);
  });

  it('refuses at once what is visible before any row: no header, too many columns, a body that is not its format (422), an unknown media type (415)', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    const cases: Array<[string | Buffer, string, number, string]> = [
      ['', 'text/csv', 422, 'DATA.BAD_HEADER'],
      [',b\n1,2\n', 'text/csv', 422, 'DATA.BAD_HEADER'],
      [`${Array.from({ length: 51 }, (_, i) => `c${i}`).join(',')}\n`, 'text/csv', 422, 'DATA.TOO_MANY_COLUMNS'],
      ['{"name": "not an array"}', 'application/json', 422, 'DATA.UNKNOWN_FORMAT'],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), 'application/octet-stream', 422, 'DATA.UNKNOWN_FORMAT'],
      ['name\nx\n', 'image/png', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [body, type, status, code] of cases) {
      const answer = await send(owner, id, body, type);
      expect({ type, status: answer.status, code: answer.body.code }).toEqual({ type, status, code });
    }
    const jobs = await call<{ items: Job[] }>(url(`/${id}/imports`), { token: owner.token });
    expect(jobs.body.items).toEqual([]);
  });

  it('refuses a chunked upload (no Content-Length) with 413 once it passes the limit while streaming', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    const chunk = Buffer.from(`${'x,'.repeat(16 * 1024)}\n`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_UPLOAD * 4) return controller.close();
        sent += chunk.length;
        controller.enqueue(sent === chunk.length ? Buffer.from(`name,other\n${chunk}`) : chunk);
      },
    });
    const response = await fetch(url(`/${id}/imports`), { method: 'POST', body, duplex: 'half', headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'text/csv' } } as RequestInit);
    expect({ status: response.status, code: ((await response.json()) as { code: string }).code }).toEqual({ status: 413, code: 'DATA.TOO_LARGE' });
    expect((await call<{ items: Job[] }>(url(`/${id}/imports`), { token: owner.token })).body.items).toEqual([]);
  });

  it('fails an import with no rows (an empty JSON array, a header alone), keeping the data', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    await imported(owner, id, 'name\nkept\n');
    expect(await imported(owner, id, '[]', 'application/json')).toMatchObject({ status: 'failed', failure: { code: 'DATA.NO_ROWS' } });
    expect(await imported(owner, id, 'name\n', 'text/csv', '?mode=skip-invalid')).toMatchObject({ status: 'failed', failure: { code: 'DATA.NO_ROWS' } });
    expect((await call<Dataset>(url(`/${id}`), { token: owner.token })).body).toMatchObject({ version: 1, rowCount: 1 });
  });

  it('refuses a file over the size limit with 413 while it streams, and keeps nothing of it', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    const big = `name,text\n${'someone,lorem ipsum dolor sit amet\n'.repeat(Math.ceil((MAX_UPLOAD * 2) / 35))}`;
    const answer = await send(owner, id, big);
    expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 413, code: 'DATA.TOO_LARGE' });
    const jobs = await call<{ items: Job[] }>(url(`/${id}/imports`), { token: owner.token });
    expect(jobs.body.items).toEqual([]);
  });

  it('imports JSON and NDJSON, multipart or raw, rejecting duplicate keys, __proto__ and broken lines', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    const json = '[\n{"name":"Alice","age":31},\n{"name":"Bob","age":42,"age":43},\n{"__proto__":{"admin":true},"name":"Eve"}\n]';
    const form = new FormData();
    form.append('file', new Blob([json], { type: 'application/json' }), 'people.json');
    const response = await fetch(url(`/${id}/imports?mode=skip-invalid`), { method: 'POST', body: form, headers: { authorization: `Bearer ${owner.token}` } });
    const accepted = (await response.json()) as Job;
    expect({ status: response.status, code: accepted.code }).toEqual({ status: 202, code: undefined });
    const job = await finished(owner, id, accepted.jobId);
    expect(job).toMatchObject({ status: 'completed', rowsImported: 1, rowsRejected: 2 });
    expect(job.errors.map((error) => [error.line, error.rule, error.column])).toEqual([
      [3, 'duplicate-key', 'age'],
      [4, 'unknown-field', '__proto__'],
    ]);
    const ndjson = '{"name":"Carol","age":27}\n{"name":"Dan","age":\n{"name":"Fay","age":50}\n';
    const second = await imported(owner, id, ndjson, 'application/x-ndjson', '?mode=skip-invalid');
    expect(second).toMatchObject({ status: 'completed', rowsImported: 2, rowsRejected: 1 });
    expect(second.errors).toEqual([{ line: 2, column: null, value: '{"name":"Dan","age":', rule: 'malformed', message: 'The line is not valid JSON' }]);
  });

  it('fails an import whose file is cut short, keeping the current version', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    await imported(owner, id, '[{"name":"kept"}]', 'application/json');
    const job = await imported(owner, id, '[{"name":"a"},\n{"name":"b"', 'application/json', '?mode=skip-invalid');
    expect(job).toMatchObject({ status: 'failed', failure: { code: 'DATA.MALFORMED_FILE' } });
    expect((await rows(owner, id)).body.items.map((row) => row.data['name'])).toEqual(['kept']);
  });

  describe('rows', () => {
    let owner: Someone;
    let id: string;

    beforeAll(async () => {
      owner = await someone();
      id = (await dataset(owner)).id;
      await imported(owner, id, PEOPLE.replace(/;/g, ','));
    });

    it('filters with RSQL, sorts, projects and pages with a cursor', async () => {
      const filtered = await rows(owner, id, `?filter=${encodeURIComponent('age=ge=30;name==Al*,city==Busan')}`);
      expect(filtered.status).toBe(200);
      expect(filtered.body.items.map((row) => row.data['name']).sort()).toEqual(['Alice', 'Bob "B"']);
      const sorted = await rows(owner, id, '?sort=-age&fields=name,age&limit=2');
      expect(sorted.body.items.map((row) => row.data)).toEqual([
        { name: 'Bob "B"', age: 42 },
        { name: 'Dan', age: 35 },
      ]);
      const next = await rows(owner, id, `?sort=-age&fields=name,age&limit=2&cursor=${sorted.body.nextCursor}`);
      expect(next.body.items.map((row) => row.data['name'])).toEqual(['Alice', 'Carol']);
      expect(next.body.nextCursor).toBeNull();
      const first = await rows(owner, id, '?limit=3');
      const rest = await rows(owner, id, `?limit=3&cursor=${first.body.nextCursor}`);
      expect([...first.body.items, ...rest.body.items].map((row) => row.data['name'])).toEqual(['Alice', 'Bob "B"', 'Carol', 'Dan']);
    });

    it.each([
      ['an unknown field', '?filter=salary%3E1', 'DATA.BAD_FILTER'],
      ['a Mongo operator as a field', `?filter=${encodeURIComponent('$where==1')}`, 'DATA.BAD_FILTER'],
      ['an operator object in the query', '?filter[$ne]=x', 'VALIDATION'],
      ['a value of the wrong type', '?filter=age==old', 'DATA.BAD_FILTER'],
      ['an unknown sort field', '?sort=-salary', 'DATA.BAD_QUERY'],
      ['an unknown projected field', '?fields=name,salary', 'DATA.BAD_QUERY'],
      ['a forged cursor', '?cursor=bm9wZQ', 'VALIDATION'],
      ['an unknown parameter', '?where=1', 'VALIDATION'],
    ])('returns 400 for %s', async (_what, query, code) => {
      const answer = await rows(owner, id, query);
      expect({ status: answer.status, code: answer.body.code }).toEqual({ status: 400, code });
    });

    it('reads, changes (validated against the schema) and deletes one row by id', async () => {
      const own = await someone();
      const dataset2 = (await dataset(own)).id;
      await imported(own, dataset2, 'name,age\nAlice,31\nBob,42\n');
      const [alice] = (await rows(own, dataset2)).body.items;
      expect((await call<Row>(url(`/${dataset2}/rows/${alice.id}`), { token: own.token })).body).toEqual(alice);
      const patched = await call<Row>(url(`/${dataset2}/rows/${alice.id}`), { method: 'PATCH', token: own.token, json: { data: { age: 32 } } });
      expect(patched.body.data).toEqual({ name: 'Alice', age: 32 });
      const invalid = await call(url(`/${dataset2}/rows/${alice.id}`), { method: 'PATCH', token: own.token, json: { data: { age: 'old' } } });
      expect({ status: invalid.status, code: invalid.body['code'] }).toEqual({ status: 422, code: 'DATA.INVALID_ROW' });
      const unknown = await call(url(`/${dataset2}/rows/${alice.id}`), { method: 'PATCH', token: own.token, json: { data: { salary: 1 } } });
      expect({ status: unknown.status, code: unknown.body['code'] }).toEqual({ status: 422, code: 'DATA.INVALID_ROW' });
      expect((await call(url(`/${dataset2}/rows/${alice.id}`), { method: 'DELETE', token: own.token })).status).toBe(204);
      expect((await call(url(`/${dataset2}/rows/${alice.id}`), { token: own.token })).status).toBe(404);
      expect((await call<Dataset>(url(`/${dataset2}`), { token: own.token })).body.rowCount).toBe(1);
      const badId = await call(url(`/${dataset2}/rows/nope`), { token: own.token });
      expect({ status: badId.status, code: badId.body['code'] }).toEqual({ status: 400, code: 'VALIDATION' });
    });

    it('aggregates count, sum, avg, min and max by a field', async () => {
      const answer = await call<{ groups: { key: Record<string, unknown>; values: Record<string, number> }[] }>(
        url(`/${id}/aggregate?groupBy=city&metrics=${encodeURIComponent('count,sum(age),avg(age),min(age),max(age)')}`),
        { token: owner.token },
      );
      expect(answer.status).toBe(200);
      expect(answer.body.groups).toEqual([
        { key: { city: 'Busan' }, values: { count: 1, 'sum(age)': 42, 'avg(age)': 42, 'min(age)': 42, 'max(age)': 42 } },
        { key: { city: 'New\nYork' }, values: { count: 1, 'sum(age)': 27, 'avg(age)': 27, 'min(age)': 27, 'max(age)': 27 } },
        { key: { city: 'Seoul' }, values: { count: 2, 'sum(age)': 66, 'avg(age)': 33, 'min(age)': 31, 'max(age)': 35 } },
      ]);
      const bad = await call(url(`/${id}/aggregate?metrics=${encodeURIComponent('median(age)')}`), { token: owner.token });
      expect({ status: bad.status, code: bad.body['code'] }).toEqual({ status: 400, code: 'DATA.BAD_QUERY' });
    });

    it('keeps another user out of the rows, the imports and the export (403)', async () => {
      const other = await someone();
      for (const path of ['/rows', '/imports', '/export', '/versions', '/aggregate']) {
        const answer = await call(url(`/${id}${path}`), { token: other.token });
        expect({ path, status: answer.status, code: answer.body?.['code'] }).toEqual({ path, status: 403, code: 'AUTH.FORBIDDEN' });
      }
      const upload = await send(other, id, 'name\nx\n');
      expect({ status: upload.status, code: upload.body.code }).toEqual({ status: 403, code: 'AUTH.FORBIDDEN' });
    });
  });

  it('previews a transformation without saving, then applies it as a new version with data.transform.applied', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    await imported(owner, id, 'item,price,qty\npear,2,3\napple,1.5,x\nfig,4,1\npear,2,3\n');
    const steps = [
      { op: 'rename', field: 'qty', to: 'quantity' },
      { op: 'cast', field: 'quantity', type: 'integer', onError: 'skip-row' },
      { op: 'derive', field: 'total', type: 'number', expression: 'price * quantity' },
      { op: 'dedupe', fields: ['item'] },
      { op: 'sort', fields: ['-total'] },
    ];
    const preview = await call<{ before: unknown[]; after: unknown[]; schemaAfter: Field[] }>(url(`/${id}/transform/preview`), { method: 'POST', token: owner.token, json: { steps } });
    expect(preview.status).toBe(200);
    expect(preview.body.before).toHaveLength(4);
    expect(preview.body.after).toEqual([
      { item: 'pear', price: 2, quantity: 3, total: 6 },
      { item: 'fig', price: 4, quantity: 1, total: 4 },
    ]);
    expect((await call<Dataset>(url(`/${id}`), { token: owner.token })).body.version).toBe(1);
    const applied = await call<{ version: number; rowsIn: number; rowsOut: number }>(url(`/${id}/transform`), { method: 'POST', token: owner.token, json: { steps } });
    expect(applied.body).toEqual({ version: 2, rowsIn: 4, rowsOut: 2 });
    expect((await rows(owner, id)).body.items.map((row) => row.data)).toEqual(preview.body.after);
    const unsafe = await call(url(`/${id}/transform/preview`), { method: 'POST', token: owner.token, json: { steps: [{ op: 'filter', expression: '$eval("1")' }] } });
    expect({ status: unsafe.status, code: unsafe.body['code'] }).toEqual({ status: 400, code: 'DATA.BAD_TRANSFORMATION' });
    if (process.env['TRANSPORT'] !== 'redis') {
      await waitFor(async () => (await countEvents(redis, DatasetsEvents.transformApplied, (data) => data['datasetId'] === id)) === 1, { what: 'data.transform.applied' });
    }
  });

  it('exports CSV (formulas guarded, numbers kept, optional BOM), NDJSON and JSON, filtered, as attachments', async () => {
    const owner = await someone();
    const { id } = await dataset(owner, 'Ledger 2024');
    const job = await imported(owner, id, 'label,amount\n"=HYPERLINK(""http://x"")",-5\n@SUM(A1),3.5\nplain,10\n');
    expect(job.status).toBe('completed');
    const csv = await fetch(url(`/${id}/export?format=csv&bom=true`), { headers: { authorization: `Bearer ${owner.token}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="Ledger 2024-v1.csv"; filename*=UTF-8''Ledger%202024-v1.csv`);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.subarray(3).toString('utf8')).toBe('label,amount\n"\'=HYPERLINK(""http://x"")",-5\n\'@SUM(A1),3.5\nplain,10\n');
    const ndjson = await fetch(url(`/${id}/export?format=ndjson&filter=${encodeURIComponent('amount>0')}`), { headers: { authorization: `Bearer ${owner.token}` } });
    expect(ndjson.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(await ndjson.text()).toBe('{"label":"@SUM(A1)","amount":3.5}\n{"label":"plain","amount":10}\n');
    const json = await fetch(url(`/${id}/export?format=json`), { headers: { authorization: `Bearer ${owner.token}` } });
    expect(((await json.json()) as unknown[]).length).toBe(3);
    const bad = await call(url(`/${id}/export?format=xlsx`), { token: owner.token });
    expect({ status: bad.status, code: bad.body['code'] }).toEqual({ status: 400, code: 'VALIDATION' });
  });

  itStreams('publishes data.import.completed and data.import.failed', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    await imported(owner, id, 'name\nok\n');
    await imported(owner, id, 'name\n"a","b"\n');
    await waitFor(async () => (await countEvents(redis, DatasetsEvents.importCompleted, (data) => data['datasetId'] === id)) === 1, { what: 'data.import.completed' });
    await waitFor(async () => (await countEvents(redis, DatasetsEvents.importFailed, (data) => data['datasetId'] === id && data['reason'] === 'DATA.INVALID_ROWS')) === 1, {
      what: 'data.import.failed',
    });
  });

  itStreams('removes a deleted user’s datasets with their versions, import jobs and rejected rows (users.deleted)', async () => {
    const { id: userId, accessToken } = await stack.signUp('data-leaving');
    const owner = { id: userId, token: accessToken };
    const { id } = await dataset(owner);
    const job = await imported(owner, id, 'name,age\nAl,31\nBo,1,extra\n', 'text/csv', '?mode=skip-invalid');
    expect(job.rowsRejected).toBe(1);
    const collections = async () => ((await db.db?.listCollections({}, { nameOnly: true }).toArray()) ?? []).map((collection) => collection.name);
    expect(await collections()).toEqual(expect.arrayContaining([`rows_${id}_1`, `rejected_${job.jobId}`]));
    const deleted = await call(`${stack.api}/users/${userId}`, { method: 'DELETE', token: await stack.adminToken() });
    expect(deleted.status).toBe(204);
    await waitFor(
      async () => {
        const names = await collections();
        const jobs = await db.collection('import_jobs').countDocuments({ datasetId: id });
        return !names.includes(`rows_${id}_1`) && !names.includes(`rejected_${job.jobId}`) && jobs === 0;
      },
      { what: 'the deleted user’s rows, rejected rows and jobs removed' },
    );
  });

  it('validates imports against a schema set before the first one, and refuses a schema edit the rows break', async () => {
    const owner = await someone();
    const { id } = await dataset(owner);
    const schema = await call<Dataset>(url(`/${id}/schema`), {
      method: 'PUT',
      token: owner.token,
      json: { fields: [{ name: 'code', type: 'string', required: true, pattern: '^[A-Z]{2}-\\d{2}$' }, { name: 'score', type: 'number', min: 0, max: 100 }] },
    });
    expect(schema.status).toBe(200);
    const job = await imported(owner, id, 'code,score\nAB-12,50\nab-1,20\nCD-34,150\n,10\n', 'text/csv', '?mode=skip-invalid');
    expect(job.errors.map((error) => [error.line, error.rule])).toEqual([
      [3, 'pattern'],
      [4, 'max'],
      [5, 'required'],
    ]);
    const unknownColumn = await send(owner, id, 'code,other\nAB-12,1\n');
    expect({ status: unknownColumn.status, code: unknownColumn.body.code }).toEqual({ status: 422, code: 'DATA.BAD_HEADER' });
    const tighter = await call(url(`/${id}/schema`), { method: 'PUT', token: owner.token, json: { fields: [{ name: 'code', type: 'string' }, { name: 'score', type: 'number', max: 10 }] } });
    expect({ status: tighter.status, code: tighter.body['code'] }).toEqual({ status: 422, code: 'DATA.SCHEMA_CONFLICT' });
    const redos = await call(url(`/${id}/schema`), { method: 'PUT', token: owner.token, json: { fields: [{ name: 'code', type: 'string', pattern: '(a)\\1' }, { name: 'score', type: 'number' }] } });
    expect({ status: redos.status, code: redos.body['code'] }).toEqual({ status: 422, code: 'DATA.SCHEMA_CONFLICT' });
  });
});

describe('an import whose data service is killed', () => {
  let crashStack: Stack;

  beforeAll(async () => {
    crashStack = await Stack.start({ servicesEnv: { data: { DATA_IMPORT_LEASE_MS: '2000' } } });
  });

  afterAll(async () => {
    await crashStack?.stop();
  });

  it('is failed as interrupted by the restarted service, leaving the current version and no stray rows', async () => {
    const { accessToken: token } = await crashStack.signUp('data-crash');
    const api = `${crashStack.api}/data/datasets`;
    const created = await call<Dataset>(api, { method: 'POST', token, json: { name: 'crash' } });
    const id = created.body.id;
    const first = await call<Job>(`${api}/${id}/imports`, { method: 'POST', token, body: 'n\n1\n', headers: { 'content-type': 'text/csv' } });
    await waitFor(async () => (await call<Job>(`${api}/${id}/imports/${first.body.jobId}`, { token })).body.status === 'completed', { what: 'the first import' });
    const big = `n\n${Array.from({ length: 200_000 }, (_, i) => i).join('\n')}\n`;
    const accepted = await call<Job>(`${api}/${id}/imports`, { method: 'POST', token, body: big, headers: { 'content-type': 'text/csv' } });
    expect(accepted.status).toBe(202);
    const jobUrl = `${api}/${id}/imports/${accepted.body.jobId}`;
    // on a loaded machine the first progress report can take a while: wait for it, and say what
    // the job looked like if it never came
    let under: Job | undefined;
    await waitFor(
      async () => {
        under = (await call<Job>(jobUrl, { token })).body;
        return under.rowsRead > 0 || !['queued', 'running'].includes(under.status);
      },
      { what: 'the import under way', timeoutMs: 60_000, intervalMs: 50 },
    ).catch((error) => {
      throw new Error(`${String(error)}; the job: ${JSON.stringify(under)}`);
    });
    expect(under?.status).toBe('running');
    await crashStack.restartService('data', 'SIGKILL');
    let job: Job | undefined;
    await waitFor(
      async () => {
        job = (await call<Job>(jobUrl, { token })).body;
        return job.status === 'failed';
      },
      { what: 'the interrupted import failed', timeoutMs: 30_000 },
    ).catch((error) => {
      throw new Error(`${String(error)}; the job: ${JSON.stringify(job)}`);
    });
    expect(job?.failure?.code).toBe('DATA.INTERRUPTED');
    const dataset = await call<Dataset>(`${api}/${id}`, { token });
    expect(dataset.body).toMatchObject({ version: 1, rowCount: 1 });
    const rowsNow = await call<{ items: Row[] }>(`${api}/${id}/rows`, { token });
    expect(rowsNow.body.items.map((row) => row.data)).toEqual([{ n: 1 }]);
    const crashDb = await crashStack.serviceDb('data');
    try {
      const names = (await crashDb.db?.listCollections({}, { nameOnly: true }).toArray())?.map((collection) => collection.name) ?? [];
      expect(names.filter((name) => name.startsWith(`rows_${id}_`))).toEqual([`rows_${id}_1`]);
    } finally {
      await crashDb.dropDatabase().catch(() => undefined);
      await crashDb.close();
    }
  }, 150_000);
});

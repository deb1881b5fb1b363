import { DatasetsErrors, type TransformStepDto } from '@site11/contracts';
import type { StoredField } from '../schema/field-rules';
import { Budget, RowExpression } from './expressions';
import { plan, type WorkingRow } from './pipeline';

const fields: StoredField[] = [
  { name: 'name', key: 'f0', type: 'string' },
  { name: 'price', key: 'f1', type: 'number' },
  { name: 'qty', key: 'f2', type: 'string' },
];
const rows: WorkingRow[] = [
  { name: 'pear', price: 2, qty: '3' },
  { name: 'apple', price: 1.5, qty: 'x' },
  { name: 'pear', price: 2, qty: '5' },
  { name: 'fig', price: 4, qty: '1' },
];
const budget = () => new Budget(Date.now() + 5000, () => new Error('over budget'));

async function run(steps: TransformStepDto[], input = rows): Promise<{ out: WorkingRow[]; schema: StoredField[] }> {
  const planned = plan(fields, steps, 3, { maxHeldRows: 100 });
  const out: WorkingRow[] = [];
  for await (const row of planned.run((async function* () { yield* input.map((row) => ({ ...row })); })(), budget())) out.push(row);
  return { out, schema: planned.schema };
}

describe('transformation pipeline', () => {
  it('renames, casts (skipping rows that do not convert), derives, filters, dedupes and sorts, in order', async () => {
    const { out, schema } = await run([
      { op: 'rename', field: 'qty', to: 'quantity' },
      { op: 'cast', field: 'quantity', type: 'integer', onError: 'skip-row' },
      { op: 'derive', field: 'total', type: 'number', expression: 'price * quantity' },
      { op: 'filter', expression: 'total > 5' },
      { op: 'dedupe', fields: ['name'] },
      { op: 'sort', fields: ['-total'] },
    ]);
    expect(out).toEqual([{ name: 'pear', price: 2, quantity: 3, total: 6 }]);
    expect(schema.map((field) => [field.name, field.key, field.type])).toEqual([
      ['name', 'f0', 'string'],
      ['price', 'f1', 'number'],
      ['quantity', 'f3', 'integer'],
      ['total', 'f4', 'number'],
    ]);
  });

  it('fails a cast on a value that does not convert unless told to null it or skip the row', async () => {
    await expect(run([{ op: 'cast', field: 'qty', type: 'integer' }])).rejects.toMatchObject({ code: DatasetsErrors.invalidRow });
    const { out } = await run([{ op: 'cast', field: 'qty', type: 'integer', onError: 'null' }]);
    expect(out.map((row) => row['qty'])).toEqual([3, null, 5, 1]);
  });

  it('drops fields and sorts with nulls first, keeping ties in order', async () => {
    const { out, schema } = await run([{ op: 'drop', fields: ['qty'] }, { op: 'sort', fields: ['price', 'name'] }]);
    expect(schema.map((field) => field.name)).toEqual(['name', 'price']);
    expect(out.map((row) => row['name'])).toEqual(['apple', 'pear', 'pear', 'fig']);
  });

  it.each([
    ['an unknown field', [{ op: 'drop', fields: ['nope'] }]],
    ['a rename onto an existing name', [{ op: 'rename', field: 'qty', to: 'name' }]],
    ['a function definition', [{ op: 'derive', field: 'x', type: 'number', expression: '($f := function($n){ $f($n) }; $f(1))' }]],
    ['a regular expression', [{ op: 'filter', expression: '$contains(name, /p+/)' }]],
    ['a range', [{ op: 'derive', field: 'x', type: 'json', expression: '[1..10000000]' }]],
    ['$eval', [{ op: 'derive', field: 'x', type: 'string', expression: '$eval("1+1")' }]],
    ['$pad, which builds any size in one step', [{ op: 'derive', field: 'x', type: 'string', expression: '$pad(name, 250000000, "x")' }]],
    ['a step without what it needs', [{ op: 'derive', field: 'x', type: 'number' }]],
  ])('refuses %s with DATA.BAD_TRANSFORMATION before any row is read', (_what, steps) => {
    expect(() => plan(fields, steps as TransformStepDto[], 3, { maxHeldRows: 100 })).toThrow(expect.objectContaining({ code: DatasetsErrors.badTransformation }));
  });

  it('stops a sort that would hold more bytes than allowed, however few rows', async () => {
    const planned = plan(fields, [{ op: 'sort', fields: ['name'] }], 3, { maxHeldRows: 100, maxHeldBytes: 1024 * 1024 });
    const wide = [{ name: 'x'.repeat(400_000), price: 1, qty: '1' }, { name: 'y'.repeat(400_000), price: 1, qty: '1' }];
    const consume = async () => {
      for await (const row of planned.run((async function* () { yield* wide; })(), budget())) void row;
    };
    await expect(consume()).rejects.toMatchObject({ code: DatasetsErrors.transformationBudget });
  });

  it('stops a sort that would hold more rows than allowed', async () => {
    const planned = plan(fields, [{ op: 'sort', fields: ['name'] }], 3, { maxHeldRows: 2 });
    const consume = async () => {
      for await (const row of planned.run((async function* () { yield* rows; })(), budget())) void row;
    };
    await expect(consume()).rejects.toMatchObject({ code: DatasetsErrors.transformationBudget });
  });

  it('stops an expression whose intermediate text passes the size limit, before it grows further', async () => {
    const expression = new RowExpression(Array.from({ length: 40 }, () => 'name').join(' & '));
    await expect(expression.evaluate({ name: 'x'.repeat(100_000) }, budget())).rejects.toMatchObject({ code: DatasetsErrors.badTransformation });
  });

  it('stops an expression that runs past the run’s deadline', async () => {
    const expression = new RowExpression('$sum($string(name) & $string(price))');
    await expect(expression.evaluate({ name: 'a', price: 1 }, new Budget(Date.now() - 1, () => new Error('over budget')))).rejects.toThrow('over budget');
  });
});

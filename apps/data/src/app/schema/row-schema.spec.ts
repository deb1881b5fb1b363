import { inferSchema, RowSchema } from './row-schema';

describe('row schema', () => {
  const schema = new RowSchema(
    [
      { name: 'name', key: 'f0', type: 'string', required: true },
      { name: 'age', key: 'f1', type: 'integer', min: 0 },
      { name: 'tags', key: 'f2', type: 'json' },
    ],
    1024,
  );

  it('stores values under their field keys and shows them by name again', () => {
    const checked = schema.validate(new Map<string, unknown>([['name', 'Alice'], ['age', '31'], ['tags', '["a"]']]));
    expect(checked).toEqual({ row: { f0: 'Alice', f1: 31, f2: '["a"]' } });
    if ('row' in checked) expect(schema.toPublic(checked.row)).toEqual({ name: 'Alice', age: 31, tags: ['a'] });
  });

  it('lists every problem of a row: unknown columns, missing required values, bad values', () => {
    const checked = schema.validate(new Map<string, unknown>([['age', '-1'], ['__proto__', 'x']]));
    expect('problems' in checked && checked.problems.map((problem) => [problem.column, problem.rule])).toEqual([
      ['__proto__', 'unknown-field'],
      ['name', 'required'],
      ['age', 'min'],
    ]);
  });

  it('infers a schema from sample records, with new keys after the last one used', () => {
    const samples = [new Map<string, unknown>([['a', '1'], ['b', 'x']]), new Map<string, unknown>([['a', '2'], ['b', '']])];
    expect(inferSchema(['a', 'b'], samples, 3)).toEqual([
      { name: 'a', key: 'f3', type: 'integer' },
      { name: 'b', key: 'f4', type: 'string' },
    ]);
  });
});

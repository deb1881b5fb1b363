import { DatasetsErrors } from '@site11/contracts';
import type { StoredField } from '../schema/field-rules';
import { compileFilter } from './rsql-filter';

const fields: StoredField[] = [
  { name: 'name', key: 'f0', type: 'string' },
  { name: 'age', key: 'f1', type: 'integer' },
  { name: 'joined', key: 'f2', type: 'datetime' },
  { name: 'meta', key: 'f3', type: 'json' },
];

describe('RSQL filters', () => {
  it('turns the documented example into a typed query on storage keys', () => {
    expect(compileFilter('age=ge=30;name==Al*', fields)).toEqual({ $and: [{ f1: { $gte: 30 } }, { f0: { $regex: '^Al' } }] });
  });

  it('combines with , as or and ; as and, flattening chains, and takes lists for =in= and =out=', () => {
    expect(compileFilter('age<18,age>65,name=in=(Ann,"Bo B")', fields)).toEqual({
      $or: [{ f1: { $lt: 18 } }, { f1: { $gt: 65 } }, { f0: { $in: ['Ann', 'Bo B'] } }],
    });
    expect(compileFilter('age=out=(1,2)', fields)).toEqual({ f1: { $nin: [1, 2] } });
  });

  it('escapes everything but * in text patterns, so a pattern is never a client-written regular expression', () => {
    expect(compileFilter('name=="*a.b(c)*"', fields)).toEqual({ f0: { $regex: 'a\\.b\\(c\\)' } });
    expect(compileFilter('name==*son', fields)).toEqual({ f0: { $regex: 'son$' } });
  });

  it('normalises datetimes so they compare as stored', () => {
    expect(compileFilter('joined>=2024-01-01T09:00:00+09:00', fields)).toEqual({ f2: { $gte: '2024-01-01T00:00:00.000Z' } });
  });

  it.each([
    ['an unknown field', 'salary>1'],
    ['an unknown operator', 'age=regex=.*'],
    ['a value of the wrong type', 'age==old'],
    ['a json field', 'meta==x'],
    ['a Mongo operator as a selector', '$where==1'],
    ['text that does not parse', 'age=='],
    ['a list where one value is expected', 'age==(1,2)'],
  ])('refuses %s with 400 DATA.BAD_FILTER', (_what, filter) => {
    expect(() => compileFilter(filter, fields)).toThrow(expect.objectContaining({ code: DatasetsErrors.badFilter }));
  });

  it('takes a long flat chain of comparisons (depth counts parentheses, not the chain)', () => {
    const filter = Array.from({ length: 30 }, (_, i) => `age==${i}`).join(';');
    expect((compileFilter(filter, fields) as { $and: unknown[] }).$and).toHaveLength(30);
  });

  it('refuses * anywhere but at the ends of a value, so no pattern can backtrack', () => {
    expect(() => compileFilter('name==*a*a*a*b', fields)).toThrow(expect.objectContaining({ code: DatasetsErrors.badFilter }));
    expect(() => compileFilter('name==**', fields)).toThrow(expect.objectContaining({ code: DatasetsErrors.badFilter }));
    expect(compileFilter('name==*li*', fields)).toEqual({ f0: { $regex: 'li' } });
  });

  it('limits how many comparisons a filter may have', () => {
    expect(() => compileFilter(Array.from({ length: 51 }, () => 'age==1').join(','), fields)).toThrow(expect.objectContaining({ code: DatasetsErrors.badFilter }));
  });
});

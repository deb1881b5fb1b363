import { convert, FieldRule, inferType, patternError, type StoredField } from './field-rules';

const field = (extra: Partial<StoredField>): StoredField => ({ name: 'f', key: 'f0', type: 'string', ...extra });

describe('field rules', () => {
  it('converts CSV text to the field type, and refuses text that is not one', () => {
    expect(convert('42', 'integer')).toBe(42);
    expect(convert('4.5', 'integer')).toBeUndefined();
    expect(convert(' -1.5e3 ', 'number')).toBe(-1500);
    expect(convert('1e999', 'number')).toBeUndefined();
    expect(convert('Yes', 'boolean')).toBe(true);
    expect(convert('2024-02-29', 'date')).toBe('2024-02-29');
    expect(convert('2023-02-29', 'date')).toBeUndefined();
    expect(convert('2024-03-01 10:00', 'datetime')).toBe('2024-03-01T10:00:00.000Z');
    expect(convert('2024-03-01T10:00:00+09:00', 'datetime')).toBe('2024-03-01T01:00:00.000Z');
    expect(convert('{"a":1}', 'json')).toBe('{"a":1}');
    expect(convert('{nope', 'json')).toBeUndefined();
  });

  it('names the rule each bad value breaks: required, type, enum, min, max and pattern', () => {
    expect(new FieldRule(field({ required: true }), 1024).check('')).toMatchObject({ problem: { rule: 'required' } });
    expect(new FieldRule(field({ type: 'integer' }), 1024).check('abc')).toMatchObject({ problem: { rule: 'type', value: 'abc', column: 'f' } });
    expect(new FieldRule(field({ enum: ['a', 'b'] }), 1024).check('c')).toMatchObject({ problem: { rule: 'enum' } });
    expect(new FieldRule(field({ type: 'number', min: 0 }), 1024).check('-1')).toMatchObject({ problem: { rule: 'min' } });
    expect(new FieldRule(field({ max: 3 }), 1024).check('abcd')).toMatchObject({ problem: { rule: 'max' } });
    expect(new FieldRule(field({ pattern: '^[A-Z]{2}-\\d{4}$' }), 1024).check('AB-12')).toMatchObject({ problem: { rule: 'pattern' } });
    expect(new FieldRule(field({ pattern: '^[A-Z]{2}-\\d{4}$' }), 1024).check('AB-1234')).toEqual({ value: 'AB-1234' });
  });

  it('refuses a cell over the size limit before converting it', () => {
    expect(new FieldRule(field({}), 1024 * 1024).check('x'.repeat(2 * 1024 * 1024))).toMatchObject({ problem: { rule: 'max-size' } });
  });

  it('runs patterns with RE2, so a catastrophic pattern is linear and a backreference is refused', () => {
    const rule = new FieldRule(field({ pattern: '^(a+)+$' }), 1024 * 1024);
    const started = Date.now();
    expect(rule.check(`${'a'.repeat(50_000)}!`)).toMatchObject({ problem: { rule: 'pattern' } });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(patternError('(a)\\1')).not.toBeNull();
  });

  it('infers the narrowest type every sampled value fits', () => {
    expect(inferType(['1', '2', ''])).toBe('integer');
    expect(inferType(['1', '2.5'])).toBe('number');
    expect(inferType(['true', 'no'])).toBe('boolean');
    expect(inferType(['2024-01-01'])).toBe('date');
    expect(inferType(['2024-01-01T00:00:00Z'])).toBe('datetime');
    expect(inferType([{ a: 1 }])).toBe('json');
    expect(inferType(['x', '1'])).toBe('string');
    expect(inferType([])).toBe('string');
  });
});

import { prefixRange } from './prefix';

describe('prefixRange', () => {
  it('turns q into a lower-case range on the field, and nothing without q', () => {
    expect(prefixRange('nameLower', 'ReP')).toEqual({ nameLower: { $gte: 'rep', $lt: 'rep\uffff' } });
    expect(prefixRange('nameLower', undefined)).toEqual({});
    expect(prefixRange('nameLower', '')).toEqual({});
  });
});

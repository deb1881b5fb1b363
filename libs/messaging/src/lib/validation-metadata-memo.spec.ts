import { getMetadataStorage, IsInt, IsOptional, IsString, MetadataStorage, validate } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata-memo';

class Base {
  @IsString()
  name!: string;
}

class Child extends Base {
  @IsInt()
  age!: number;

  @IsString({ groups: ['admin'] })
  note?: string;
}

class Plain extends Base {
  @IsInt()
  age!: number;
}

class Late extends Base {}

type Target = Parameters<MetadataStorage['getTargetValidationMetadatas']>[0];

const propertiesOf = (storage: MetadataStorage, target: Target, groups?: string[]) =>
  storage
    .getTargetValidationMetadatas(target, '', false, false, groups)
    .map((metadata) => `${metadata.propertyName}:${metadata.name ?? metadata.type}`)
    .sort();

describe('memoizeValidationMetadata', () => {
  const storage = getMetadataStorage();
  // class-validator's own answers, before the memo is in place
  const unmemoized = {
    child: propertiesOf(storage, Child),
    childAsAdmin: propertiesOf(storage, Child, ['admin']),
    childAsOther: propertiesOf(storage, Child, ['other']),
    base: propertiesOf(storage, Base),
  };

  beforeAll(() => memoizeValidationMetadata(storage));

  it('gives the rules class-validator itself gives, inherited ones and groups included', () => {
    expect(unmemoized.child).toEqual(['age:isInt', 'name:isString', 'note:isString']);
    expect(unmemoized.childAsAdmin).toEqual(['note:isString']);
    expect(unmemoized.childAsOther).toEqual([]);
    expect(propertiesOf(storage, Child)).toEqual(unmemoized.child);
    expect(propertiesOf(storage, Child, ['admin'])).toEqual(unmemoized.childAsAdmin);
    expect(propertiesOf(storage, Child, ['other'])).toEqual(unmemoized.childAsOther);
    expect(propertiesOf(storage, Base)).toEqual(unmemoized.base);
  });

  it('hands back the same answer for a class each time, without looking through the classes again', () => {
    const first = storage.getTargetValidationMetadatas(Child, '', false, false);
    const scanned = jest.spyOn(Map.prototype, 'entries');
    try {
      const again = storage.getTargetValidationMetadatas(Child, '', false, false);
      expect(again).toBe(first);
      expect(storage.groupByPropertyName(again)).toBe(storage.groupByPropertyName(first));
      expect(scanned).not.toHaveBeenCalled();
    } finally {
      scanned.mockRestore();
    }
    // another option set is another answer
    expect(storage.getTargetValidationMetadatas(Child, '', false, false, ['admin'])).not.toBe(first);
  });

  it('forgets what it remembered when a rule is registered later, so a class loaded late is validated by all its rules', async () => {
    expect(propertiesOf(storage, Late)).toEqual(['name:isString']);
    // what a decorator does when its class is loaded after the first validation
    IsInt()(Late.prototype, 'count');
    IsOptional()(Late.prototype, 'count');
    expect(propertiesOf(storage, Late)).toEqual(['count:isInt', 'count:isOptional', 'name:isString']);
    const late = Object.assign(new Late(), { name: 'x', count: 'many' });
    expect((await validate(late)).map((error) => error.property)).toEqual(['count']);
  });

  it('is applied once however often it is asked', () => {
    const memoized = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata(storage);
    expect(storage.getTargetValidationMetadatas).toBe(memoized);
  });

  it('validates as before: a wrong type is refused, a right one passes', async () => {
    expect((await validate(Object.assign(new Plain(), { name: 'x', age: 'old' }))).map((error) => error.property)).toEqual(['age']);
    expect((await validate(Object.assign(new Plain(), { name: 7, age: 3 }))).map((error) => error.property)).toEqual(['name']);
    expect(await validate(Object.assign(new Plain(), { name: 'x', age: 3 }))).toEqual([]);
  });
});

import { IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationError } from '@site11/contracts';
import { createValidationPipe, MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_VALUES, MAX_VALIDATION_ISSUES, precheckPayload } from './validation';

class Inner {
  @IsString()
  bio!: string;
}
class Outer {
  @IsString()
  name!: string;

  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const metadata = { type: 'body' as const, metatype: Outer };

  it('reports nested failures with dotted field paths', async () => {
    const error = await pipe.transform({ name: 1, inner: { bio: 2 } }, metadata).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { field: 'name', constraints: { isString: 'name must be a string' } },
      { field: 'inner.bio', constraints: { isString: 'bio must be a string' } },
    ]);
  });

  it('rejects unknown fields rather than silently dropping them', async () => {
    const error = await pipe.transform({ name: 'x', inner: { bio: 'y' }, isAdmin: true }, metadata).catch((e: unknown) => e);
    expect((error as ValidationError).details).toEqual([
      { field: 'isAdmin', constraints: { whitelistValidation: 'property isAdmin should not exist' } },
    ]);
  });

  it('returns an instance of the DTO when the input is valid', async () => {
    await expect(pipe.transform({ name: 'x', inner: { bio: 'y' } }, metadata)).resolves.toBeInstanceOf(Outer);
  });
});

describe('precheckPayload', () => {
  it('names unknown keys of nested DTOs without transforming anything', () => {
    expect(precheckPayload({ name: 'x', inner: { bio: 'y', extra: 1 } }, Outer)).toEqual([
      { field: 'inner.extra', constraints: { whitelistValidation: 'property extra should not exist' } },
    ]);
  });

  it('stops at MAX_VALIDATION_ISSUES for an object of 100,000 junk keys', () => {
    const junk = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 1]));
    const issues = precheckPayload(junk, Outer);
    expect(issues).toHaveLength(MAX_VALIDATION_ISSUES);
    expect(issues[MAX_VALIDATION_ISSUES - 1].field).toBe(`k${MAX_VALIDATION_ISSUES - 1}`);
  });

  it('refuses nesting deeper than MAX_PAYLOAD_DEPTH, inside a known field too', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(precheckPayload({ name: 'x', inner: { bio: deep } }, Outer)).toEqual([
      { field: 'inner.bio.a.a.a.a.a.a', constraints: { maxDepth: `The payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels` } },
    ]);
  });

  it('refuses more than MAX_PAYLOAD_VALUES values in a free-form payload', () => {
    const issues = precheckPayload({ list: Array.from({ length: MAX_PAYLOAD_VALUES + 1 }, () => 1) }, Object);
    expect(issues[0].constraints).toHaveProperty('maxValues');
  });

  it('passes a well-formed payload through to validation', async () => {
    expect(precheckPayload({ name: 'x', inner: { bio: 'y' } }, Outer)).toEqual([]);
  });

  it('runs before class-transformer in the pipe, and caps the details', async () => {
    const junk = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, 1]));
    const transformer = jest.requireActual<typeof import('class-transformer')>('class-transformer');
    const transform = jest.spyOn(transformer, 'plainToInstance');
    try {
      const error = await createValidationPipe().transform(junk, { type: 'body', metatype: Outer }).catch((e: unknown) => e);
      expect((error as ValidationError).details).toHaveLength(MAX_VALIDATION_ISSUES);
      expect(transform).not.toHaveBeenCalled();
      await createValidationPipe().transform({ name: 'x', inner: { bio: 'y' } }, { type: 'body', metatype: Outer });
      expect(transform).toHaveBeenCalled(); // the spy does see the pipe's calls
    } finally {
      transform.mockRestore();
    }
  });
});

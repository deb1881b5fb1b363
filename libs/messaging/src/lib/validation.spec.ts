import { IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ValidationError } from '@site11/contracts';
import { createValidationPipe } from './validation';

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

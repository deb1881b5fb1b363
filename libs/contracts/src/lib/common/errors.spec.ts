import { DomainError, ErrorKind, ValidationError } from './errors';

describe('DomainError', () => {
  it('survives a trip over the wire as JSON with its code, kind and details', () => {
    const original = new DomainError('USERS.EMAIL_TAKEN', ErrorKind.AlreadyExists, 'taken', { email: 'a@b.co' });
    const received = JSON.parse(JSON.stringify(original.toWire()));

    expect(DomainError.isWireError(received)).toBe(true);
    const rebuilt = DomainError.fromWire(received);
    expect(rebuilt).toBeInstanceOf(DomainError);
    expect(rebuilt).toMatchObject({ code: 'USERS.EMAIL_TAKEN', kind: 'ALREADY_EXISTS', message: 'taken' });
    expect(rebuilt.details).toEqual({ email: 'a@b.co' });
  });

  it.each([
    ['a string', 'Internal server error'],
    ['an object without a kind', { code: 'X', message: 'y' }],
    ['an object with an unknown kind', { code: 'X', message: 'y', kind: 'TEAPOT' }],
    ['null', null],
  ])('does not mistake %s for a wire error', (_case, value) => {
    expect(DomainError.isWireError(value)).toBe(false);
  });

  it('gives validation errors the VALIDATION code and the field details', () => {
    const error = new ValidationError([{ field: 'email', constraints: { isEmail: 'email must be an email' } }]);
    expect(error.toWire()).toEqual({
      code: 'VALIDATION',
      kind: 'INVALID_ARGUMENT',
      message: 'Request validation failed',
      details: [{ field: 'email', constraints: { isEmail: 'email must be an email' } }],
    });
  });
});

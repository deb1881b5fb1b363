import { AuthErrors, DomainError, ErrorKind } from '@site11/contracts';

export class SigningKeyNotFoundError extends DomainError {
  constructor() {
    super(AuthErrors.signingKeyNotFound, ErrorKind.NotFound, 'No signing key has this id');
  }
}

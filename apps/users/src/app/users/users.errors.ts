import { AuthErrors, DomainError, ErrorKind, UsersErrors } from '@site11/contracts';

export class UserNotFoundError extends DomainError {
  constructor(id: string) {
    super(UsersErrors.notFound, ErrorKind.NotFound, `User ${id} does not exist`);
  }
}

export class EmailTakenError extends DomainError {
  constructor() {
    super(UsersErrors.emailTaken, ErrorKind.AlreadyExists, 'A user with this email already exists');
  }
}

/** One error for unknown email and wrong password alike, so accounts cannot be enumerated. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super(AuthErrors.invalidCredentials, ErrorKind.Unauthenticated, 'Invalid email or password');
  }
}

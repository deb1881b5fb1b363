import { AuthErrors, DomainError, ErrorKind, UsersErrors, ValidationError } from '@site11/contracts';

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

/** A cursor that has the shape of a search cursor but is not one of this search (400 VALIDATION on `cursor`). */
export class InvalidSearchCursorError extends ValidationError {
  constructor() {
    super([{ field: 'cursor', constraints: { cursor: 'cursor is not a valid page cursor' } }]);
  }
}

/** The next page of a search, asked while no search index is ready (Redis lost it, a rebuild runs). */
export class SearchUnavailableError extends DomainError {
  constructor() {
    super(UsersErrors.searchUnavailable, ErrorKind.Unavailable, 'The search index is being rebuilt: start the search again');
  }
}

export class InvalidVerificationTokenError extends DomainError {
  constructor() {
    super(AuthErrors.invalidVerificationToken, ErrorKind.InvalidArgument, 'This verification link is not valid: it was used, replaced by a newer one, or is older than 24 hours');
  }
}

export class InvalidResetTokenError extends DomainError {
  constructor() {
    super(AuthErrors.invalidResetToken, ErrorKind.InvalidArgument, 'This reset link is not valid: it was used, replaced by a newer one, or is older than 30 minutes');
  }
}

/** A wrong, replayed or expired TOTP code, or an unknown or spent recovery code: one error for all. */
export class InvalidMfaCodeError extends DomainError {
  constructor() {
    super(AuthErrors.invalidMfaCode, ErrorKind.InvalidArgument, 'The code is not valid');
  }
}

export class MfaAlreadyEnabledError extends DomainError {
  constructor() {
    super(AuthErrors.mfaAlreadyEnabled, ErrorKind.AlreadyExists, 'Two-factor authentication is already on: turn it off first to enrol again');
  }
}

export class MfaNotEnabledError extends DomainError {
  constructor() {
    super(AuthErrors.mfaNotEnabled, ErrorKind.FailedPrecondition, 'Two-factor authentication is not on');
  }
}

export class MfaSetupRequiredError extends DomainError {
  constructor() {
    super(AuthErrors.mfaSetupRequired, ErrorKind.FailedPrecondition, 'Start the setup first (or again: a setup lasts 15 minutes)');
  }
}

import { AuthErrors, DomainError, ErrorKind } from '@site11/contracts';

/** Unknown, expired, revoked or re-used: one error for every refresh token that does not work. */
export class InvalidRefreshTokenError extends DomainError {
  constructor() {
    super(AuthErrors.invalidRefreshToken, ErrorKind.Unauthenticated, 'The refresh token is not valid');
  }
}

/** Another user's session is as unknown as one that never existed. */
export class SessionNotFoundError extends DomainError {
  constructor() {
    super(AuthErrors.sessionNotFound, ErrorKind.NotFound, 'You have no open session with this id');
  }
}

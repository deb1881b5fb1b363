import { AuthErrors, DomainError, ErrorKind } from '@site11/contracts';

export const unauthenticated = () =>
  new DomainError(AuthErrors.unauthenticated, ErrorKind.Unauthenticated, 'A bearer token is required');
export const invalidToken = () =>
  new DomainError(AuthErrors.invalidToken, ErrorKind.Unauthenticated, 'The access token is not valid');
export const tokenExpired = () =>
  new DomainError(AuthErrors.tokenExpired, ErrorKind.Unauthenticated, 'The access token has expired');
export const tokenRevoked = () =>
  new DomainError(AuthErrors.tokenRevoked, ErrorKind.Unauthenticated, 'The access token has been revoked');
export const forbidden = (message = 'You may not do this') =>
  new DomainError(AuthErrors.forbidden, ErrorKind.PermissionDenied, message);

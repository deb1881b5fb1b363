import { DomainError, ErrorKind, type OAuth2ErrorCode, oauth2ErrorCode } from '@site11/contracts';

/**
 * An error of the token or userinfo endpoint (RFC 6749 §5.2, RFC 6750 §3.1): the gateway answers
 * `{ error, error_description }` with the status of its kind (401 for `invalid_client` and
 * `invalid_token`, else 400).
 */
export class OAuth2Error extends DomainError {
  constructor(
    readonly error: OAuth2ErrorCode,
    description: string,
  ) {
    const kind = error === 'invalid_client' || error === 'invalid_token' ? ErrorKind.Unauthenticated : ErrorKind.InvalidArgument;
    super(oauth2ErrorCode(error), kind, description, { error, error_description: description });
  }
}

import { ApplicationsErrors, DomainError, ErrorKind, ValidationError } from '@site11/contracts';

export class ApplicationNotFoundError extends DomainError {
  constructor(id: string) {
    super(ApplicationsErrors.notFound, ErrorKind.NotFound, `Application ${id} does not exist`);
  }
}

/** Unknown client, deleted client, wrong secret: one answer, so a caller learns nothing from it. */
export class InvalidClientError extends DomainError {
  constructor() {
    super(ApplicationsErrors.invalidClient, ErrorKind.Unauthenticated, 'Client authentication failed');
  }
}

export class NoSecretError extends DomainError {
  constructor() {
    super(ApplicationsErrors.noSecret, ErrorKind.FailedPrecondition, 'A public application has no client secret');
  }
}

/**
 * Rules across fields of a registration, reported like the field validation (400 VALIDATION with
 * `details`), so a form shows each under its field.
 */
export function registrationProblems(app: { type: string; grantTypes: string[]; redirectUris: string[] }): ValidationError | null {
  const issues: { field: string; constraints: Record<string, string> }[] = [];
  if (app.type === 'public' && app.grantTypes.includes('client_credentials')) {
    issues.push({ field: 'grantTypes', constraints: { clientCredentials: 'client_credentials needs a confidential application (a public one has no secret)' } });
  }
  if (app.grantTypes.includes('refresh_token') && !app.grantTypes.includes('authorization_code')) {
    issues.push({ field: 'grantTypes', constraints: { refreshToken: 'refresh_token needs authorization_code' } });
  }
  if (app.grantTypes.includes('authorization_code') && app.redirectUris.length === 0) {
    issues.push({ field: 'redirectUris', constraints: { required: 'authorization_code needs at least one redirect URI' } });
  }
  return issues.length > 0 ? new ValidationError(issues, 'The registration is not consistent') : null;
}

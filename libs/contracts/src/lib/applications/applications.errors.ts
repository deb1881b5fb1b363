/** Error codes of the applications service (`<SERVICE>.<REASON>`). */
export const ApplicationsErrors = {
  notFound: 'APPLICATIONS.APPLICATION_NOT_FOUND',
  /** oauth: no such client, or its secret does not match (never says which). */
  invalidClient: 'APPLICATIONS.INVALID_CLIENT',
  /** A public application has no secret to rotate. */
  noSecret: 'APPLICATIONS.NO_SECRET',
  configNotFound: 'APPLICATIONS.CONFIG_NOT_FOUND',
  configVersionNotFound: 'APPLICATIONS.CONFIG_VERSION_NOT_FOUND',
  configTooLarge: 'APPLICATIONS.CONFIG_TOO_LARGE',
  /** `If-Match` names a version that is no longer the latest. */
  configVersionMismatch: 'APPLICATIONS.CONFIG_VERSION_MISMATCH',
  /** Too many concurrent changes to number this one (409, retry). */
  configBusy: 'APPLICATIONS.CONFIG_BUSY',
  releaseNotFound: 'APPLICATIONS.RELEASE_NOT_FOUND',
  releaseExists: 'APPLICATIONS.RELEASE_EXISTS',
  releaseNotIncreasing: 'APPLICATIONS.RELEASE_VERSION_NOT_INCREASING',
} as const;

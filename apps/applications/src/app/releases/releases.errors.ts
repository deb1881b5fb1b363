import { ApplicationsErrors, DomainError, ErrorKind, ValidationError } from '@site11/contracts';

export class ReleaseNotFoundError extends DomainError {
  constructor(version: string) {
    super(ApplicationsErrors.releaseNotFound, ErrorKind.NotFound, `There is no release ${version}`);
  }
}

export class ReleaseExistsError extends DomainError {
  constructor(version: string) {
    super(ApplicationsErrors.releaseExists, ErrorKind.AlreadyExists, `Release ${version} already exists`);
  }
}

export class ReleaseNotIncreasingError extends DomainError {
  constructor(version: string, latest: string) {
    super(ApplicationsErrors.releaseNotIncreasing, ErrorKind.FailedPrecondition, `Release ${version} must be greater than the latest, ${latest}`, { latest });
  }
}

/** A pin that names no environment or version that exists, reported under `configVersions`. */
export function pinProblems(pins: Record<string, unknown>, missing: string[] = []): ValidationError | null {
  const constraints: Record<string, string> = {};
  for (const [env, version] of Object.entries(pins)) {
    if (!/^[a-z0-9-]{1,32}$/.test(env)) constraints['env'] = `"${env}" is not an environment name (1 to 32 of a-z, 0-9 and -)`;
    else if (!Number.isInteger(version) || (version as number) < 1) constraints['version'] = `${env}: the version must be a whole number from 1`;
  }
  if (Object.keys(pins).length > 50) constraints['size'] = 'at most 50 environments';
  if (missing.length > 0) constraints['exists'] = `no such configuration version: ${missing.join(', ')}`;
  return Object.keys(constraints).length > 0 ? new ValidationError([{ field: 'configVersions', constraints }]) : null;
}

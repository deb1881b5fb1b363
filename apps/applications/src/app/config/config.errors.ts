import { ApplicationsErrors, CONFIG_MAX_BYTES, DomainError, ErrorKind } from '@site11/contracts';

export class ConfigNotFoundError extends DomainError {
  constructor(env: string) {
    super(ApplicationsErrors.configNotFound, ErrorKind.NotFound, `No configuration has been published for ${env}`);
  }
}

export class ConfigVersionNotFoundError extends DomainError {
  constructor(env: string, version: number) {
    super(ApplicationsErrors.configVersionNotFound, ErrorKind.NotFound, `${env} has no configuration version ${version}`);
  }
}

export class ConfigTooLargeError extends DomainError {
  constructor(bytes: number) {
    super(ApplicationsErrors.configTooLarge, ErrorKind.PayloadTooLarge, `The values take ${bytes} bytes as JSON; at most ${CONFIG_MAX_BYTES} are allowed`);
  }
}

/** `If-Match` named a version that is not the latest (or `*` when there is none). */
export class ConfigVersionMismatchError extends DomainError {
  constructor(expected: number, latest: number | null) {
    super(
      ApplicationsErrors.configVersionMismatch,
      ErrorKind.ConditionNotMet,
      latest === null
        ? 'No configuration has been published for this environment yet'
        : `Version ${latest} is the latest, not ${expected === 0 ? 'any' : expected}: read it and try again`,
      { latest },
    );
  }
}

/** Too many concurrent changes of one environment for this one to get a version number. */
export class ConfigBusyError extends DomainError {
  constructor() {
    super(ApplicationsErrors.configBusy, ErrorKind.Aborted, 'Too many concurrent changes of this configuration; try again');
  }
}

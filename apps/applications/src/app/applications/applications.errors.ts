import { DomainError, ErrorKind, ApplicationsErrors } from '@site11/contracts';

export class ApplicationNotFoundError extends DomainError {
  constructor(id: string) {
    super(ApplicationsErrors.notFound, ErrorKind.NotFound, `Application ${id} does not exist`);
  }
}

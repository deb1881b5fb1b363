import { DomainError, ErrorKind, ReportsErrors } from '@site11/contracts';

export class ReportNotFoundError extends DomainError {
  constructor(id: string) {
    super(ReportsErrors.notFound, ErrorKind.NotFound, `Report ${id} does not exist`);
  }
}

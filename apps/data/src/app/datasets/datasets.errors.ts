import { DatasetsErrors, DomainError, ErrorKind } from '@site11/contracts';

export class DatasetNotFoundError extends DomainError {
  constructor(id: string) {
    super(DatasetsErrors.notFound, ErrorKind.NotFound, `Dataset ${id} does not exist`);
  }
}

export const badQuery = (message: string) => new DomainError(DatasetsErrors.badQuery, ErrorKind.InvalidArgument, message);
export const badFilter = (message: string) => new DomainError(DatasetsErrors.badFilter, ErrorKind.InvalidArgument, message);
export const badTransformation = (message: string) => new DomainError(DatasetsErrors.badTransformation, ErrorKind.InvalidArgument, message);
export const schemaConflict = (message: string, details?: unknown) => new DomainError(DatasetsErrors.schemaConflict, ErrorKind.FailedPrecondition, message, details);
export const busy = (message: string) => new DomainError(DatasetsErrors.busy, ErrorKind.Aborted, message);

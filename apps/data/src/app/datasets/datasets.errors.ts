import { DomainError, ErrorKind, DatasetsErrors } from '@site11/contracts';

export class DatasetNotFoundError extends DomainError {
  constructor(id: string) {
    super(DatasetsErrors.notFound, ErrorKind.NotFound, `Dataset ${id} does not exist`);
  }
}

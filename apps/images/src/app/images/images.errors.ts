import { DomainError, ErrorKind, ImagesErrors } from '@site11/contracts';

export class ImageNotFoundError extends DomainError {
  constructor(id: string) {
    super(ImagesErrors.notFound, ErrorKind.NotFound, `Image ${id} does not exist`);
  }
}

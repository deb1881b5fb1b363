import type { ApplicationDto } from '@site11/contracts';
import type { Application } from './application.schema';

/** An application as queries read it: never its outbox. */
export type StoredApplication = Omit<Application, 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt' | 'nameLower'>;

export function toApplicationDto(application: StoredApplication): ApplicationDto {
  return {
    id: application._id.toHexString(),
    ownerId: application.ownerId,
    name: application.name,
    description: application.description ?? '',
    createdAt: application.createdAt.toISOString(),
    updatedAt: application.updatedAt.toISOString(),
  };
}

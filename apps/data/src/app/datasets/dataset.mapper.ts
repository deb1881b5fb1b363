import type { DatasetDto } from '@site11/contracts';
import type { Dataset } from './dataset.schema';

/** A dataset as queries read it: never its outbox. */
export type StoredDataset = Omit<Dataset, 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt' | 'nameLower'>;

export function toDatasetDto(dataset: StoredDataset): DatasetDto {
  return {
    id: dataset._id.toHexString(),
    ownerId: dataset.ownerId,
    name: dataset.name,
    description: dataset.description ?? '',
    createdAt: dataset.createdAt.toISOString(),
    updatedAt: dataset.updatedAt.toISOString(),
  };
}

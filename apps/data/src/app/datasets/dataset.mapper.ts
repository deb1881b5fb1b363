import type { DataFieldDto, DatasetDto, DatasetVersionDto } from '@site11/contracts';
import type { StoredField } from '../schema/field-rules';
import type { Dataset, StoredVersion } from './dataset.schema';

/** A dataset as queries read it: never its outbox. */
export type StoredDataset = Omit<Dataset, 'outbox' | 'outboxAt' | 'outboxLast' | 'deletedAt' | 'nameLower'>;

/** A field as the API shows it: without its storage key. */
export function toFieldDto({ key: _key, ...field }: StoredField): DataFieldDto {
  return field;
}

export function toDatasetDto(dataset: StoredDataset): DatasetDto {
  return {
    id: dataset._id.toHexString(),
    ownerId: dataset.ownerId,
    name: dataset.name,
    description: dataset.description ?? '',
    schema: (dataset.fields ?? []).map(toFieldDto),
    rowCount: dataset.rowCount ?? 0,
    version: dataset.version ?? 0,
    createdAt: dataset.createdAt.toISOString(),
    updatedAt: dataset.updatedAt.toISOString(),
  };
}

export function toVersionDto(version: StoredVersion, current: number): DatasetVersionDto {
  return {
    version: version.version,
    source: version.source,
    rowCount: version.rowCount,
    schema: version.schema.map(toFieldDto),
    createdAt: new Date(version.createdAt).toISOString(),
    current: version.version === current,
  };
}

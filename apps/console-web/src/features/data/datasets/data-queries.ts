import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../../../api/client';
import type { components } from '../../../api/schema';
import { useApi } from '../../../app/services-context';
import { type Dataset, datasetsKey } from './queries';

type Schemas = components['schemas'];
export type DataField = Schemas['DataFieldDto'];
export type FieldType = DataField['type'];
export type ImportJob = Schemas['ImportJobDto'];
export type ImportStatus = ImportJob['status'];
export type ImportMode = ImportJob['mode'];
export type ImportAccepted = Schemas['ImportAcceptedDto'];
export type DatasetVersion = Schemas['DatasetVersionDto'];
export type DataRow = Schemas['RowDto'];
export type TransformStep = Schemas['TransformStepDto'];
export type TransformOp = TransformStep['op'];
export type CastOnError = TransformStep['onError'];
export type TransformPreview = Schemas['TransformPreviewDto'];
export type ExportFormat = 'csv' | 'ndjson' | 'json';

/** DataFieldDto's `type` enum, in the order the selects offer it. */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'datetime', 'json'] as const satisfies readonly FieldType[];
export const IMPORT_MODES = ['strict', 'skip-invalid'] as const satisfies readonly ImportMode[];
export const TRANSFORM_OPS = ['rename', 'cast', 'filter', 'derive', 'drop', 'dedupe', 'sort'] as const satisfies readonly TransformOp[];
export const CAST_ON_ERROR = ['fail', 'null', 'skip-row'] as const satisfies readonly CastOnError[];
export const EXPORT_FORMATS = ['csv', 'ndjson', 'json'] as const satisfies readonly ExportFormat[];
/** ROWS_PAGE_MAX_LIMIT of the API. */
export const ROWS_PAGE_SIZES = [25, 50, 100, 250, 500, 1000] as const;
/** How often a running import is asked about. */
export const IMPORT_POLL_MS = 500;

/** Everything cached about one dataset starts with this key (its detail, rows, jobs, versions, previews). */
export const datasetKey = (id: string) => [...datasetsKey, 'detail', id] as const;

export function isFinished(status: ImportStatus): boolean {
  return status === 'completed' || status === 'failed';
}

/**
 * After an import, a transformation or a rollback: the dataset (row count, version, schema), its
 * rows, versions and jobs are stale, and so is the list (its `updatedAt`).
 */
export function useDatasetChanged(id: string) {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: datasetKey(id) });
    void queryClient.invalidateQueries({ queryKey: [...datasetsKey, 'list'] });
  };
}

/** `GET …/imports`: the dataset's recent import jobs, newest first. */
export function useImportJobs(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...datasetKey(id), 'imports'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/data/datasets/{id}/imports', { params: { path: { id } }, signal })),
  });
}

/** `GET …/imports/{jobId}`, every IMPORT_POLL_MS until the job is completed or failed. */
export function useImportJob(id: string, jobId: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...datasetKey(id), 'imports', jobId],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/data/datasets/{id}/imports/{jobId}', { params: { path: { id, jobId } }, signal })),
    refetchInterval: (query) => (query.state.data && isFinished(query.state.data.status) ? false : IMPORT_POLL_MS),
    staleTime: 0,
  });
}

export interface RowsQuery {
  filter: string;
  sort: string;
  limit: number;
  cursor?: string | undefined;
}

/** `GET …/rows?filter=&sort=&limit=&cursor=`: one page; the previous page stays while the next loads. */
export function useRows(id: string, query: RowsQuery, enabled = true) {
  const api = useApi();
  return useQuery({
    enabled,
    queryKey: [...datasetKey(id), 'rows', query],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET('/api/v1/data/datasets/{id}/rows', {
          params: {
            path: { id },
            query: {
              limit: query.limit,
              ...(query.filter ? { filter: query.filter } : {}),
              ...(query.sort ? { sort: query.sort } : {}),
              ...(query.cursor ? { cursor: query.cursor } : {}),
            },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** `PUT …/schema`; the answer replaces the cached dataset. */
export function useReplaceSchema(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fields: DataField[]) => unwrap(api.PUT('/api/v1/data/datasets/{id}/schema', { params: { path: { id } }, body: { fields } })),
    onSuccess: (updated: Dataset) => {
      queryClient.setQueryData(datasetKey(id), updated);
      void queryClient.invalidateQueries({ queryKey: [...datasetKey(id), 'versions'] });
      void queryClient.invalidateQueries({ queryKey: [...datasetsKey, 'list'] });
    },
  });
}

/** `GET …/versions`: the kept versions, newest first. */
export function useVersions(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: [...datasetKey(id), 'versions'],
    queryFn: ({ signal }) => unwrap(api.GET('/api/v1/data/datasets/{id}/versions', { params: { path: { id } }, signal })),
  });
}

/** `POST …/rollback { version }`. */
export function useRollback(id: string) {
  const api = useApi();
  const changed = useDatasetChanged(id);
  return useMutation({
    mutationFn: (version: number) => unwrap(api.POST('/api/v1/data/datasets/{id}/rollback', { params: { path: { id } }, body: { version } })),
    onSuccess: changed,
  });
}

/**
 * The API's type says every step has `onError` (it has a default); it is optional on the wire
 * and only cast steps carry it here.
 */
type StepBody = Omit<TransformStep, 'onError'> & { onError?: CastOnError };
const asSteps = (steps: StepBody[]) => steps as TransformStep[];

/** `POST …/transform/preview` for these steps (null: nothing to preview), cached by steps and version. */
export function useTransformPreview(id: string, steps: StepBody[] | null, version: number) {
  const api = useApi();
  return useQuery({
    enabled: steps !== null && steps.length > 0,
    queryKey: [...datasetKey(id), 'preview', version, steps],
    queryFn: ({ signal }) =>
      unwrap(api.POST('/api/v1/data/datasets/{id}/transform/preview', { params: { path: { id } }, body: { steps: asSteps(steps ?? []) }, signal })),
    placeholderData: keepPreviousData,
    staleTime: Infinity,
  });
}

/** `POST …/transform`: the steps over every row, as a new current version. */
export function useApplyTransform(id: string) {
  const api = useApi();
  const changed = useDatasetChanged(id);
  return useMutation({
    mutationFn: (steps: StepBody[]) => unwrap(api.POST('/api/v1/data/datasets/{id}/transform', { params: { path: { id } }, body: { steps: asSteps(steps) } })),
    onSuccess: changed,
  });
}

export type { StepBody };

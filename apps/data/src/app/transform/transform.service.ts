import { Injectable } from '@nestjs/common';
import { type Actor, DatasetsErrors, DatasetsEvents, DomainError, ErrorKind, type TransformCommand, type TransformPreviewDto, type TransformResultDto } from '@site11/contracts';
import { outboxEvent } from '@site11/persistence';
import { Types } from 'mongoose';
import { DataConfig } from '../data.config';
import { toFieldDto } from '../datasets/dataset.mapper';
import type { Dataset } from '../datasets/dataset.schema';
import { busy, DatasetNotFoundError } from '../datasets/datasets.errors';
import { DatasetsService } from '../datasets/datasets.service';
import { type RowDocument, RowStore } from '../rows/row-store';
import { RowSchema } from '../schema/row-schema';
import { Budget } from './expressions';
import { failedRow, overBudget, plan, type WorkingRow } from './pipeline';

export const PREVIEW_ROWS = 50;
const PREVIEW_BUDGET_MS = 2000;
const BATCH = 1000;

/**
 * Declarative transformations (pipeline.ts): previewed on the first rows of the current version
 * without saving, or applied to all of them as a new version, streamed from the current one in
 * its order, written in batches, made current at the end with `data.transform.applied` — or not
 * at all (a failed or over-budget run drops what it wrote).
 */
@Injectable()
export class TransformService {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly store: RowStore,
    private readonly config: DataConfig,
  ) {}

  private limits() {
    return { maxHeldRows: this.config.DATA_TRANSFORM_MAX_HELD_ROWS, maxHeldBytes: this.config.DATA_TRANSFORM_MAX_HELD_BYTES };
  }

  async preview(command: TransformCommand, actor: Actor): Promise<TransformPreviewDto> {
    const dataset = await this.datasets.owned(command.datasetId, actor);
    const planned = plan(dataset.fields, command.steps, dataset.nextKey, this.limits());
    const current = new RowSchema(dataset.fields, this.config.DATA_MAX_CELL_BYTES);
    const first = await this.store.rows(command.datasetId, dataset.version).find({}, { ...(await this.store.inOrder()), limit: PREVIEW_ROWS }).toArray();
    const before = first.map((row) => current.toPublic(row));
    const budget = new Budget(Date.now() + PREVIEW_BUDGET_MS, () => overBudget(`The preview took more than ${PREVIEW_BUDGET_MS} ms`));
    const after: WorkingRow[] = [];
    for await (const row of planned.run(iterate(before.map((row) => ({ ...row }))), budget)) after.push(ordered(row, planned.schema.map((field) => field.name)));
    return { schemaBefore: dataset.fields.map(toFieldDto), schemaAfter: planned.schema.map(toFieldDto), before, after };
  }

  async apply(command: TransformCommand, actor: Actor, requestId = 'data'): Promise<TransformResultDto> {
    const dataset = await this.datasets.owned(command.datasetId, actor);
    if (dataset.version === 0) throw new DomainError(DatasetsErrors.noRows, ErrorKind.FailedPrecondition, 'Import rows before transforming them');
    const planned = plan(dataset.fields, command.steps, dataset.nextKey, this.limits());
    const version = await this.datasets.allocateVersion(dataset._id);
    if (version === null) throw new DatasetNotFoundError(command.datasetId);
    try {
      const { rowsIn, rowsOut } = await this.write(dataset, planned, version);
      const committed = await this.datasets.commitVersion(
        dataset,
        { version, source: 'transform', rowCount: rowsOut, schema: planned.schema, nextKey: planned.nextKey },
        outboxEvent(DatasetsEvents.transformApplied, { datasetId: command.datasetId, ownerId: dataset.ownerId, version, steps: command.steps.map((step) => step.op), rowsIn, rowsOut }, requestId),
      );
      if (!committed) throw busy('The dataset changed while transforming (an import, another transformation, a rollback or a schema edit); apply it again');
      return { version, rowsIn, rowsOut };
    } catch (error) {
      await this.store.dropRows(command.datasetId, version);
      throw error;
    }
  }

  private async write(dataset: Dataset, planned: ReturnType<typeof plan>, version: number): Promise<{ rowsIn: number; rowsOut: number }> {
    const id = dataset._id.toHexString();
    const current = new RowSchema(dataset.fields, this.config.DATA_MAX_CELL_BYTES);
    const next = new RowSchema(planned.schema, this.config.DATA_MAX_CELL_BYTES);
    const budget = new Budget(Date.now() + this.config.DATA_TRANSFORM_BUDGET_MS, () => overBudget(`The transformation took more than ${this.config.DATA_TRANSFORM_BUDGET_MS} ms (DATA_TRANSFORM_BUDGET_MS)`));
    let rowsIn = 0;
    let rowsOut = 0;
    const stored = this.store.rows(id, dataset.version).find({}, { ...(await this.store.inOrder()), batchSize: 1000 });
    async function* source(): AsyncIterable<WorkingRow> {
      for await (const row of stored) {
        rowsIn++;
        yield current.toPublic(row);
      }
    }
    const target = this.store.rows(id, version);
    let batch: RowDocument[] = [];
    for await (const row of planned.run(source(), budget)) {
      const checked = next.validate(new Map(Object.entries(row)));
      if ('problems' in checked) throw failedRow(`Row ${rowsIn} would break the schema: ${checked.problems.map((problem) => problem.message).join('; ')}`);
      batch.push({ ...checked.row, _id: new Types.ObjectId() });
      rowsOut++;
      if (batch.length >= BATCH) {
        await target.insertMany(batch, { ordered: false });
        batch = [];
        budget.check();
      }
    }
    if (batch.length > 0) await target.insertMany(batch, { ordered: false });
    return { rowsIn, rowsOut };
  }
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

function ordered(row: WorkingRow, names: string[]): WorkingRow {
  return Object.fromEntries(names.map((name) => [name, row[name] ?? null]));
}

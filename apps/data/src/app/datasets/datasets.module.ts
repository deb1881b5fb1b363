import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DataFilesHttpController } from '../imports/data-files.http.controller';
import { ImportJob, ImportJobSchema } from '../imports/import-job.schema';
import { ImportsService } from '../imports/imports.service';
import { RowStore } from '../rows/row-store';
import { RowsService } from '../rows/rows.service';
import { StorageSweeper } from '../rows/storage-sweeper';
import { TransformService } from '../transform/transform.service';
import { Dataset, DatasetSchema } from './dataset.schema';
import { DatasetsMessageController } from './datasets.message.controller';
import { DatasetsService } from './datasets.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Dataset.name, schema: DatasetSchema },
      { name: ImportJob.name, schema: ImportJobSchema },
    ]),
  ],
  controllers: [DatasetsMessageController, DataFilesHttpController],
  providers: [RowStore, DatasetsService, ImportsService, RowsService, TransformService, StorageSweeper],
})
export class DatasetsModule {}

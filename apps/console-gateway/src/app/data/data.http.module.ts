import { Module } from '@nestjs/common';
import { FileProxy } from '../http/file-proxy';
import { DatasetsHttpController } from './datasets.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the data service, under /api/v1/data. */
@Module({
  controllers: [
    DatasetsHttpController,
    // <nx-plugin:controllers>
  ],
  providers: [FileProxy],
})
export class DataHttpModule {}

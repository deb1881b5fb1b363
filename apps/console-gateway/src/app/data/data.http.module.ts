import { Module } from '@nestjs/common';
import { FileProxyModule } from '../http/file-proxy.module';
import { DatasetsHttpController } from './datasets.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the data service, under /api/v1/data. */
@Module({
  imports: [FileProxyModule],
  controllers: [
    DatasetsHttpController,
    // <nx-plugin:controllers>
  ],
})
export class DataHttpModule {}

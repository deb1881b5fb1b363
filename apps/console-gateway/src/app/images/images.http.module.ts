import { Module } from '@nestjs/common';
import { FileProxyModule } from '../http/file-proxy.module';
import { ImagesHttpController } from './images.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the images service, under /api/v1/images. */
@Module({
  imports: [FileProxyModule],
  controllers: [
    ImagesHttpController,
    // <nx-plugin:controllers>
  ],
})
export class ImagesHttpModule {}

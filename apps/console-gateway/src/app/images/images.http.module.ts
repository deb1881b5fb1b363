import { Module } from '@nestjs/common';
import { FileProxy } from '../http/file-proxy';
import { ImagesHttpController } from './images.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the images service, under /api/v1/images. */
@Module({
  controllers: [
    ImagesHttpController,
    // <nx-plugin:controllers>
  ],
  providers: [FileProxy],
})
export class ImagesHttpModule {}

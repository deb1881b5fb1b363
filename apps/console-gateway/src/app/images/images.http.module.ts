import { Module } from '@nestjs/common';
import { ImageBytesProxy } from './image-bytes.proxy';
import { ImagesHttpController } from './images.http.controller';
// <nx-plugin:controller-imports>

/** REST routes of the images service, under /api/v1/images. */
@Module({
  controllers: [
    ImagesHttpController,
    // <nx-plugin:controllers>
  ],
  providers: [ImageBytesProxy],
})
export class ImagesHttpModule {}

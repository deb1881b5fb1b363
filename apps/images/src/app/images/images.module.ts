import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ImageStore } from '../storage/image-store';
import { ContentService } from './content.service';
import { DeletedOwners } from './deleted-owners';
import { ImageCache } from './image-cache';
import { QuotaLedger } from './quota-ledger';
import { ImageBytesHttpController } from './image-bytes.http.controller';
import { ImageProcessing } from './image-processing';
import { Image, ImageSchema } from './image.schema';
import { ImagesMessageController } from './images.message.controller';
import { ImagesService } from './images.service';
import { OrphanSweeper } from './orphan-sweeper';
import { UploadsService } from './uploads.service';
import { UsageService } from './usage.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: Image.name, schema: ImageSchema }])],
  controllers: [ImagesMessageController, ImageBytesHttpController],
  providers: [ImageStore, ImageCache, QuotaLedger, DeletedOwners, ImageProcessing, ImagesService, UploadsService, UsageService, ContentService, OrphanSweeper],
})
export class ImagesModule {}

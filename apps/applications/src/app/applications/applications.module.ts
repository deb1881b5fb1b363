import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Application, ApplicationSchema } from './application.schema';
import { ApplicationsMessageController } from './applications.message.controller';
import { ApplicationsService } from './applications.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: Application.name, schema: ApplicationSchema }])],
  controllers: [ApplicationsMessageController],
  providers: [ApplicationsService],
})
export class ApplicationsModule {}

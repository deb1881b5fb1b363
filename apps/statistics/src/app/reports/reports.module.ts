import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CountingModule } from '../counting/counting.module';
import { Report, ReportSchema } from './report.schema';
import { ReportsMessageController } from './reports.message.controller';
import { ReportsService } from './reports.service';

@Module({
  imports: [CountingModule, MongooseModule.forFeature([{ name: Report.name, schema: ReportSchema }])],
  controllers: [ReportsMessageController],
  providers: [ReportsService],
})
export class ReportsModule {}

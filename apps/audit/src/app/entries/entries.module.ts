import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChainAnchor } from './chain-anchor';
import { Entry, EntrySchema } from './entry.schema';
import { EntriesAppender } from './entries-appender';
import { EntriesMessageController } from './entries.message.controller';
import { EntriesService } from './entries.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: Entry.name, schema: EntrySchema }])],
  controllers: [EntriesMessageController],
  providers: [EntriesAppender, EntriesService, ChainAnchor],
})
export class EntriesModule {}

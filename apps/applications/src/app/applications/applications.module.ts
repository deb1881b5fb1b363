import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ConfigVersion, ConfigVersionSchema } from '../config/config-version.schema';
import { ConfigMessageController } from '../config/config.message.controller';
import { ConfigService } from '../config/config.service';
import { Release, ReleaseSchema } from '../releases/release.schema';
import { ReleasesMessageController } from '../releases/releases.message.controller';
import { ReleasesService } from '../releases/releases.service';
import { Application, ApplicationSchema } from './application.schema';
import { ApplicationsMessageController } from './applications.message.controller';
import { ApplicationsService } from './applications.service';

/** Registered applications, their configuration versions and their releases: one database, one owner check. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Application.name, schema: ApplicationSchema },
      { name: ConfigVersion.name, schema: ConfigVersionSchema },
      { name: Release.name, schema: ReleaseSchema },
    ]),
  ],
  controllers: [ApplicationsMessageController, ConfigMessageController, ReleasesMessageController],
  providers: [ApplicationsService, ConfigService, ReleasesService],
})
export class ApplicationsModule {}

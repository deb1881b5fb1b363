import { Module } from '@nestjs/common';
import { FileProxy } from './file-proxy';

/** One FileProxy (and one pair of connection pools) for every service whose files the gateway streams. */
@Module({ providers: [FileProxy], exports: [FileProxy] })
export class FileProxyModule {}

import { Module } from '@nestjs/common';
import { OperationsHttpController } from './operations.http.controller';

@Module({ controllers: [OperationsHttpController] })
export class OperationsHttpModule {}

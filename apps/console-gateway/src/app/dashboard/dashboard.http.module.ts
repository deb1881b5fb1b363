import { Module } from '@nestjs/common';
import { DashboardHttpController } from './dashboard.http.controller';
import { DashboardService } from './dashboard.service';

/** `GET /api/v1/dashboard`: sections from several services, fanned out by the gateway. */
@Module({ controllers: [DashboardHttpController], providers: [DashboardService] })
export class DashboardHttpModule {}

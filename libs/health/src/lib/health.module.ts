import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { ConfigurableHealthModule } from './health.options';
import { ReadinessService } from './readiness.service';
import { RedisHealthIndicator } from './redis.health';

/** `/health/live` and `/health/ready` for any app; each app states what readiness checks. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, ReadinessService],
  exports: [ReadinessService],
})
export class HealthModule extends ConfigurableHealthModule {}

import { Controller, type DynamicModule, Module } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { type PingReply, pingPattern } from '@site11/contracts';

/** Adds the `<service>.ping` handler every service answers (readiness as the gateway sees it). */
@Module({})
export class PingModule {
  static forService(service: string): DynamicModule {
    @Controller()
    class PingController {
      @MessagePattern(pingPattern(service))
      ping(): PingReply {
        return { service, pid: process.pid, uptimeSeconds: Math.round(process.uptime()) };
      }
    }
    return { module: PingModule, controllers: [PingController] };
  }
}

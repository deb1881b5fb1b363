/**
 * The routed floor of the CPU comparison (bench/cpu.cjs): the smallest Nest version of the
 * platform's request path. `ROLE=gateway` is a bare Nest + Fastify app whose `GET /echo/:id`
 * sends a message over Nest's built-in Redis transport and answers its reply; `ROLE=service` is a
 * bare Nest microservice that answers it with a constant. No token, no revocation check, no
 * validation, no logging, no database: what two Nest processes and Redis cost by themselves for
 * one routed request, beside the platform's `GET /api/v1/auth/me`.
 */
import 'reflect-metadata';
import { Controller, Get, Inject, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientsModule, MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { lastValueFrom } from 'rxjs';

const redis = new URL(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
const redisOptions = { host: redis.hostname, port: Number(redis.port || 6379) };
const ECHO = 'floor.echo';

@Controller()
class EchoHandler {
  @MessagePattern(ECHO)
  echo(@Payload() data: { id: string }) {
    return { id: data.id, email: 'floor@bench.test', name: 'Floor', roles: ['user'] };
  }
}

@Module({ controllers: [EchoHandler] })
class ServiceModule {}

@Controller('echo')
class EchoController {
  constructor(@Inject('FLOOR') private readonly client: ClientProxy) {}

  @Get(':id')
  echo(@Param('id') id: string) {
    return lastValueFrom(this.client.send(ECHO, { id }));
  }
}

@Module({
  imports: [ClientsModule.register([{ name: 'FLOOR', transport: Transport.REDIS, options: redisOptions }])],
  controllers: [EchoController],
})
class GatewayModule {}

async function main(): Promise<void> {
  if (process.env['ROLE'] === 'service') {
    const app = await NestFactory.createMicroservice(ServiceModule, { transport: Transport.REDIS, options: redisOptions, logger: ['error'] });
    await app.listen();
    return;
  }
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule, new FastifyAdapter(), { logger: ['error'] });
  await app.listen(Number(process.env['PORT']), '127.0.0.1');
}

void main();

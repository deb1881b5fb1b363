/**
 * The benchmark's baseline: the same read as `GET /api/v1/users/:id`, served directly by a minimal
 * Nest + Fastify app that queries MongoDB itself (no gateway, no broker, no auth). The gateway
 * path is compared with it in the same run. Its `/health/live` is the bare Nest-on-Fastify figure
 * of the CPU comparison (bench/cpu.cjs).
 */
import 'reflect-metadata';
import { Controller, Get, Module, NotFoundException, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import mongoose, { Schema, Types } from 'mongoose';

const users = mongoose.model('User', new Schema({}, { strict: false, collection: 'users' }));

@Controller('users')
class UsersController {
  @Get(':id')
  async findById(@Param('id') id: string) {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundException();
    const user = await users.findById(id).select('-passwordHash').lean<Record<string, unknown>>().exec();
    if (!user) throw new NotFoundException();
    const { _id, ...rest } = user;
    return { id: String(_id), ...rest };
  }
}

/** The same probe route as the gateway's, to show what Nest on Fastify costs by itself. */
@Controller('health')
class HealthController {
  @Get('live')
  live() {
    return { status: 'ok', info: {}, error: {}, details: {} };
  }
}

@Module({ controllers: [UsersController, HealthController] })
class BaselineModule {}

async function main(): Promise<void> {
  await mongoose.connect(process.env['MONGODB_URI'] ?? '', { dbName: process.env['USERS_DB_NAME'] });
  const app = await NestFactory.create<NestFastifyApplication>(BaselineModule, new FastifyAdapter(), { logger: ['error'] });
  await app.listen(Number(process.env['PORT']), '127.0.0.1');
}

void main();

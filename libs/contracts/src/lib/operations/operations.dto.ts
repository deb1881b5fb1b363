import { ApiProperty } from '@nestjs/swagger';

export const INSTANCE_STATUSES = ['ready', 'not_ready', 'shutting_down', 'gone'] as const;
export const CIRCUIT_STATES = ['closed', 'half-open', 'open', 'isolated'] as const;

/** One running (or recently gone) instance of a service, as the registry knows it. */
export class InstanceDto {
  @ApiProperty({ example: 'users' }) service!: string;
  @ApiProperty({ example: 'users-7f9c2' }) instanceId!: string;
  @ApiProperty({ example: '0.1.0' }) version!: string;
  @ApiProperty({ example: 'pod-7f9c2' }) host!: string;
  @ApiProperty() pid!: number;
  @ApiProperty({ description: 'Port of its health endpoints' }) healthPort!: number;
  @ApiProperty({ type: [String], description: 'Message patterns it serves' }) patterns!: string[];
  @ApiProperty({ type: [String], description: 'Events it handles' }) events!: string[];
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) lastHeartbeat!: string;
  @ApiProperty({ enum: INSTANCE_STATUSES, description: '`gone`: its entry expired without a goodbye' }) status!: (typeof INSTANCE_STATUSES)[number];
}

/** A service: its instances and the gateway's circuit breaker towards it. */
export class ServiceStatusDto {
  @ApiProperty({ example: 'users' }) name!: string;
  @ApiProperty({ type: () => [InstanceDto] }) instances!: InstanceDto[];
  @ApiProperty({ enum: CIRCUIT_STATES, description: 'The gateway’s circuit breaker to this service' }) circuit!: (typeof CIRCUIT_STATES)[number];
}

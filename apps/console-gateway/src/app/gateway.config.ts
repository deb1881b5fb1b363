import { BaseConfig } from '@site11/config';
import { IsInt, IsString, Max, Min } from 'class-validator';

export class GatewayConfig extends BaseConfig {
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  /** Largest accepted request body; larger bodies get 413. */
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;
}

import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorKind } from '@site11/contracts';
import { STATUS_CODES } from 'node:http';

/** The one place where error kinds become HTTP statuses. */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  [ErrorKind.InvalidArgument]: 400,
  [ErrorKind.Unauthenticated]: 401,
  [ErrorKind.PermissionDenied]: 403,
  [ErrorKind.NotFound]: 404,
  [ErrorKind.AlreadyExists]: 409,
  [ErrorKind.PayloadTooLarge]: 413,
  [ErrorKind.UnsupportedMediaType]: 415,
  [ErrorKind.RangeNotSatisfiable]: 416,
  [ErrorKind.FailedPrecondition]: 422,
  [ErrorKind.ConditionNotMet]: 412,
  [ErrorKind.Aborted]: 409,
  [ErrorKind.ResourceExhausted]: 429,
  [ErrorKind.Internal]: 500,
  [ErrorKind.Unavailable]: 503,
  [ErrorKind.DeadlineExceeded]: 504,
};

export class ErrorResponseDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found' })
  error!: string;

  @ApiProperty({ example: 'User 665f1c2e8b3e4a0012345678 does not exist' })
  message!: string;

  @ApiProperty({ example: 'USERS.NOT_FOUND', description: 'Stable, machine-readable error code' })
  code!: string;

  @ApiProperty({ example: '3f1c9a0e-8d1b-4f5e-9a51-2b7c0e4d6f10' })
  requestId!: string;

  @ApiPropertyOptional({ description: 'For VALIDATION: one entry per offending field' })
  details?: unknown;
}

/** Documents the error responses a route can produce, all with the uniform error body. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: STATUS_CODES[status], type: ErrorResponseDto })),
  );

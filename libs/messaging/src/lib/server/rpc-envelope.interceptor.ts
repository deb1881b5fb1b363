import { platformClock } from '../clock';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { CommonErrors, DomainError, ENVELOPE_VERSION, ErrorKind, isReadableEnvelopeVersion, type RpcEnvelope } from '@site11/contracts';
import { PATTERN_HANDLER_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import type { Observable } from 'rxjs';

function isEnvelope(value: unknown, isEvent: boolean): value is RpcEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const { metadata } = value as Partial<RpcEnvelope>;
  return (
    'data' in value &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof metadata.requestId === 'string' &&
    (isEvent || typeof metadata.deadline === 'number') &&
    typeof metadata.caller === 'string'
  );
}

/**
 * Rejects requests that are not platform envelopes or whose envelope version this release does
 * not read (more than one release apart: UNSUPPORTED_MESSAGE_VERSION), and drops requests whose
 * deadline passed while they waited: the caller has already given up, so doing the work would only
 * add load.
 */
@Injectable()
export class RpcEnvelopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const payload = context.switchToRpc().getData();
    // events have no caller waiting, so no deadline
    const isEvent = Reflect.getMetadata(PATTERN_HANDLER_METADATA, context.getHandler()) === PatternHandler.EVENT;
    if (!isEnvelope(payload, isEvent)) {
      throw new DomainError(CommonErrors.validation, ErrorKind.InvalidArgument, 'Malformed request envelope');
    }
    if (!isReadableEnvelopeVersion(payload.metadata.v)) {
      throw new DomainError(
        CommonErrors.unsupportedMessageVersion,
        ErrorKind.InvalidArgument,
        `Envelope version ${String(payload.metadata.v)} is not read by this release (it reads ${ENVELOPE_VERSION - 1 || 1} to ${ENVELOPE_VERSION + 1})`,
      );
    }
    if (!isEvent && platformClock.now() > payload.metadata.deadline) {
      throw new DomainError(
        CommonErrors.deadlineExceeded,
        ErrorKind.DeadlineExceeded,
        'The deadline passed before the request was processed',
      );
    }
    return next.handle();
  }
}

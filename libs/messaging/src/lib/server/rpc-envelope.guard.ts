import { platformClock } from '../clock';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { CommonErrors, DomainError, ENVELOPE_VERSION, ErrorKind, isReadableEnvelopeVersion, type RpcEnvelope } from '@site11/contracts';
import { PATTERN_HANDLER_METADATA } from '@nestjs/microservices/constants';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';

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
 *
 * A guard, not an interceptor: it only decides whether the handler runs, and each interceptor
 * costs every message a layer of Nest's rxjs chain (docs/performance.md, #18). Global guards run
 * in order: the caller's identity (RpcIdentityGuard, an app provider) is checked first, as
 * authentication comes before validation at the gateway too.
 */
@Injectable()
export class RpcEnvelopeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'rpc') return true;
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
    return true;
  }
}

import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { CommonErrors, DomainError } from '@site11/contracts';
import { errorCodes, type FastifyReply, type FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { ErrorResponseDto, STATUS_BY_KIND } from './error-response';

interface Described {
  status: number;
  code: string;
  message: string;
  details?: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  404: CommonErrors.routeNotFound,
  413: CommonErrors.payloadTooLarge,
  415: CommonErrors.unsupportedMediaType,
};

/**
 * Nest turns Fastify's body-parser errors into plain `HttpException`s carrying only the message,
 * so those messages (taken from Fastify itself, not copied) identify a malformed JSON body.
 */
const MALFORMED_JSON_MESSAGES = new Set([
  new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY().message,
  new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY().message,
]);

function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * Every failure leaves the gateway as `{ statusCode, error, message, code, requestId }`.
 * Domain errors (from services or local validation) are mapped by kind; framework errors by
 * status; anything else is a 500 whose details stay in the log.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, code, message, details } = this.describe(exception, request);
    const body: ErrorResponseDto = {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message,
      code,
      requestId: request.id,
      ...(details === undefined ? {} : { details }),
    };
    const retryAfter = (details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
    void reply.status(status).header('x-request-id', request.id).send(body);
  }

  private describe(exception: unknown, request: FastifyRequest): Described {
    if (exception instanceof DomainError) {
      return {
        status: STATUS_BY_KIND[exception.kind] ?? 500,
        code: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 400 && MALFORMED_JSON_MESSAGES.has(exception.message)) {
        return { status, code: CommonErrors.malformedJson, message: 'Request body is not valid JSON' };
      }
      return { status, code: codeForStatus(status), message: exception.message };
    }
    const framework = exception as { statusCode?: unknown; message?: unknown };
    if (typeof framework?.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
      // e.g. secure-json-parse's prototype-poisoning SyntaxError, which Nest passes through as is
      const status = framework.statusCode;
      if (status === 400 && exception instanceof SyntaxError) {
        return { status, code: CommonErrors.malformedJson, message: 'Request body is not valid JSON' };
      }
      return { status, code: codeForStatus(status), message: String(framework.message ?? STATUS_CODES[status]) };
    }
    this.logger.error({
      requestId: request.id,
      msg: `Unhandled error on ${request.method} ${request.url} [${request.id}]: ${exception instanceof Error ? exception.stack : String(exception)}`,
    });
    return { status: 500, code: CommonErrors.internal, message: 'Internal server error' };
  }
}

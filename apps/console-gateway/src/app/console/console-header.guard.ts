import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthErrors, CONSOLE_HEADER, DomainError, ErrorKind } from '@site11/contracts';
import type { FastifyRequest } from 'fastify';

/**
 * The console's session routes answer only requests that carry `X-Site11-Console: 1`: a
 * cross-site form cannot set a header, and a cross-origin script needs a CORS grant to.
 */
@Injectable()
export class ConsoleHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.headers[CONSOLE_HEADER] === '1') return true;
    throw new DomainError(AuthErrors.consoleHeaderRequired, ErrorKind.PermissionDenied, `The console session routes need the header ${CONSOLE_HEADER}: 1`);
  }
}

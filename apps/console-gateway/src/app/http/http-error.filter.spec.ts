import { type ArgumentsHost, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { DomainError, ErrorKind } from '@site11/contracts';
import { errorCodes } from 'fastify';
import { STATUS_BY_KIND } from './error-response';
import { HttpErrorFilter } from './http-error.filter';

function run(exception: unknown) {
  const reply = { status: jest.fn(), header: jest.fn(), send: jest.fn() };
  reply.status.mockReturnValue(reply);
  reply.header.mockReturnValue(reply);
  const host = {
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1', method: 'GET', url: '/x' }), getResponse: () => reply }),
  } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(exception, host);
  return { status: reply.status.mock.calls[0][0] as number, body: reply.send.mock.calls[0][0] };
}

describe('HttpErrorFilter', () => {
  it('maps every error kind to an HTTP status', () => {
    for (const kind of Object.values(ErrorKind)) expect(STATUS_BY_KIND[kind]).toBeGreaterThanOrEqual(400);
  });

  it.each([
    [ErrorKind.InvalidArgument, 400],
    [ErrorKind.NotFound, 404],
    [ErrorKind.AlreadyExists, 409],
    [ErrorKind.Unavailable, 503],
    [ErrorKind.DeadlineExceeded, 504],
  ])('answers a %s domain error with %i and its own code', (kind, status) => {
    const { body } = run(new DomainError('SVC.SOMETHING', kind, 'explained', [{ field: 'f' }]));
    expect(body).toEqual({
      statusCode: status,
      error: expect.any(String),
      message: 'explained',
      code: 'SVC.SOMETHING',
      requestId: 'req-1',
      details: [{ field: 'f' }],
    });
  });

  it('recognises Fastify’s malformed JSON error after Nest rewrapped it', () => {
    const fastifyError = new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
    const { status, body } = run(new HttpException(fastifyError.message, 400));
    expect(status).toBe(400);
    expect(body.code).toBe('MALFORMED_JSON');
  });

  it('answers an unknown route with ROUTE_NOT_FOUND', () => {
    expect(run(new NotFoundException('Cannot GET /x')).body).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it('logs anything unexpected with its stack and the request id as a field of the line', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      run(new TypeError('boom'));
      expect(logged).toHaveBeenCalledWith({ requestId: 'req-1', msg: expect.stringMatching(/^Unhandled error on GET \/x \[req-1\]: TypeError: boom\n\s+at /) });
    } finally {
      logged.mockRestore();
    }
  });

  it('answers anything unexpected with a bare 500 that leaks nothing', () => {
    const { status, body } = run(new TypeError('secret internals at /srv/app.js:12'));
    expect(status).toBe(500);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
      code: 'INTERNAL',
      requestId: 'req-1',
    });
  });
});

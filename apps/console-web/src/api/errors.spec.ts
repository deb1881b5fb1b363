import { describe, expect, it } from 'vitest';
import { ApiError, isRetryable, parseRetryAfter, toApiError } from './errors';

const response = (status: number, headers: Record<string, string> = {}, statusText = '') =>
  new Response(null, { status, headers, statusText });

describe('toApiError', () => {
  it('maps the gateway error body to status, code, message and request id', () => {
    const error = toApiError(response(404), {
      statusCode: 404,
      error: 'Not Found',
      message: 'User 665f does not exist',
      code: 'USERS.NOT_FOUND',
      requestId: '3f1c9a0e',
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'USERS.NOT_FOUND', message: 'User 665f does not exist', requestId: '3f1c9a0e' });
    expect(error.details).toBeUndefined();
    expect(error.retryAfterSeconds).toBeUndefined();
  });

  it('keeps the validation details as field issues with their constraints', () => {
    const error = toApiError(response(400), {
      statusCode: 400,
      error: 'Bad Request',
      message: 'Request validation failed',
      code: 'VALIDATION',
      requestId: 'r1',
      details: [
        { field: 'email', constraints: { isEmail: 'email must be an email' } },
        { field: 'profile.bio', constraints: { maxLength: 'bio must be shorter than or equal to 1000 characters' } },
      ],
    });
    expect(error.code).toBe('VALIDATION');
    expect(error.details).toEqual([
      { field: 'email', constraints: { isEmail: 'email must be an email' } },
      { field: 'profile.bio', constraints: { maxLength: 'bio must be shorter than or equal to 1000 characters' } },
    ]);
  });

  it('drops details that are not field issues', () => {
    const error = toApiError(response(400), { code: 'X', message: 'm', requestId: 'r', details: [{ nope: true }] });
    expect(error.details).toBeUndefined();
  });

  it('reads the wait of a 429 from the Retry-After header', () => {
    const error = toApiError(response(429, { 'retry-after': '42' }), {
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Too many attempts',
      code: 'AUTH.RATE_LIMITED',
      requestId: 'r2',
      details: { retryAfterSeconds: 40 },
    });
    expect(error).toMatchObject({ status: 429, code: 'AUTH.RATE_LIMITED', retryAfterSeconds: 42 });
  });

  it('falls back to details.retryAfterSeconds when a 429 has no Retry-After header', () => {
    const error = toApiError(response(429), { code: 'AUTH.RATE_LIMITED', message: 'm', requestId: 'r', details: { retryAfterSeconds: 7 } });
    expect(error.retryAfterSeconds).toBe(7);
  });

  it('maps a body that is not the gateway’s (a proxy’s HTML page) to HTTP_<status> with the status text', () => {
    const error = toApiError(
      response(502, { 'x-request-id': 'from-header' }, 'Bad Gateway'),
      '<html><body>Bad Gateway</body></html>',
    );
    expect(error).toMatchObject({ status: 502, code: 'HTTP_502', message: 'Bad Gateway', requestId: 'from-header' });
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('isRetryable', () => {
  it('retries no answer and 5xx, never 4xx', () => {
    const error = (status: number) => new ApiError({ status, code: 'C', message: 'm' });
    expect([0, 500, 502, 503, 504].map((status) => isRetryable(error(status)))).toEqual([true, true, true, true, true]);
    expect([400, 401, 403, 404, 409, 429].some((status) => isRetryable(error(status)))).toBe(false);
    expect(isRetryable(new Error('x'))).toBe(false);
  });
});

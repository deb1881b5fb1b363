import type { RpcMetadata } from '@site11/contracts';
import { platformClock } from '../clock';
import { callOptionsFrom } from './call-options';

/** Metadata of a message whose caller waits `leftMs` more on the platform clock. */
function metadata(leftMs: number, extra: Partial<RpcMetadata> = {}): RpcMetadata {
  return { requestId: 'req-1', deadline: platformClock.now() + leftMs, caller: 'console-gateway', ...extra };
}

describe('callOptionsFrom', () => {
  afterEach(() => platformClock.observe(0, 0, 0)); // back to no offset from the local clock

  it('keeps the request id of the message', () => {
    expect(callOptionsFrom(metadata(1_000), 'read').requestId).toBe('req-1');
    expect(callOptionsFrom(metadata(1_000), 'command').requestId).toBe('req-1');
  });

  it('passes on the HTTP client the message serves, so the service called can audit it', () => {
    const client = { ip: '203.0.113.7', userAgent: 'browser/1.0' };
    expect(callOptionsFrom(metadata(1_000, { client }), 'command').client).toEqual(client);
    expect(callOptionsFrom(metadata(1_000), 'read')).not.toHaveProperty('client');
  });

  it('gives the downstream call what is left of the deadline', () => {
    const before = Date.now();
    const { deadlineMs } = callOptionsFrom(metadata(1_000), 'read');

    expect(deadlineMs).toBeLessThanOrEqual(1_000);
    expect(deadlineMs).toBeGreaterThanOrEqual(1_000 - (Date.now() - before));
  });

  it('reads what is left on the platform clock, not on the local one', () => {
    const local = Date.now();
    platformClock.observe(local + 60_000, local, local); // Redis' clock a minute ahead of ours
    const { deadlineMs } = callOptionsFrom(metadata(1_000), 'read');

    expect(deadlineMs).toBeLessThanOrEqual(1_000);
    expect(deadlineMs).toBeGreaterThanOrEqual(900);
  });

  it('never gives less than 50 ms, even when the deadline has passed', () => {
    expect(callOptionsFrom(metadata(10), 'read').deadlineMs).toBe(50);
    expect(callOptionsFrom(metadata(-5_000), 'command').deadlineMs).toBe(50);
  });

  it('marks a read idempotent and gives it no idempotency key, even when the message has one', () => {
    const options = callOptionsFrom(metadata(1_000, { idempotencyKey: 'key-1', idempotencyOrigin: 'client' }), 'read');

    expect(options.idempotent).toBe(true);
    expect(options).not.toHaveProperty('idempotencyKey');
    expect(options).not.toHaveProperty('idempotencyOrigin');
  });

  it("passes the caller's idempotency key and origin on to a command", () => {
    const options = callOptionsFrom(metadata(1_000, { idempotencyKey: 'key-1', idempotencyOrigin: 'client' }), 'command');

    expect(options).toMatchObject({ idempotencyKey: 'key-1', idempotencyOrigin: 'client' });
    expect(options).not.toHaveProperty('idempotent');
  });

  it('gives a command no idempotency key when the caller sent none', () => {
    const options = callOptionsFrom(metadata(1_000), 'command');

    expect(options).not.toHaveProperty('idempotencyKey');
    expect(options).not.toHaveProperty('idempotencyOrigin');
    expect(options).not.toHaveProperty('idempotent');
  });
});

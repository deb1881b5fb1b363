import { DomainError, ErrorKind } from '@site11/contracts';
import { fanOut, type SectionTask } from './fan-out';

const after = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));
const failAfter = (ms: number, error: unknown): Promise<never> => new Promise((_, reject) => setTimeout(() => reject(error), ms));
const never = (): Promise<never> => new Promise(() => undefined);

describe('fanOut', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Runs fanOut to completion under fake timers; `settledAt` is the fake time it resolved at. */
  async function run<T extends Record<string, unknown>>(tasks: { [K in keyof T]: SectionTask<T[K]> }, deadlineMs = 100, onUnexpected?: jest.Mock) {
    const started = Date.now();
    let settledAt = -1;
    const pending = fanOut<T>(tasks, { deadlineMs, now: () => Date.now(), onUnexpected }).then((result) => {
      settledAt = Date.now() - started;
      return result;
    });
    await jest.advanceTimersByTimeAsync(deadlineMs * 3);
    return { result: await pending, settledAt };
  }

  it('returns every section’s data with the time it took when all answer before the deadline', async () => {
    const { result, settledAt } = await run({ fast: () => after(5, 'a'), slower: () => after(40, { n: 1 }) });
    expect(result).toEqual({ fast: { data: 'a', tookMs: 5 }, slower: { data: { n: 1 }, tookMs: 40 } });
    expect(settledAt).toBe(40);
  });

  it('keeps the other sections’ data when one fails, and gives the failed one its domain error code and message', async () => {
    const { result } = await run({
      ok: () => after(10, 1),
      down: () => failAfter(3, new DomainError('SERVICE_UNAVAILABLE', ErrorKind.Unavailable, 'The service is not available')),
    });
    expect(result.ok).toEqual({ data: 1, tookMs: 10 });
    expect(result.down).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'The service is not available' }, tookMs: 3 });
  });

  it('reports a section that has not answered by the deadline as UPSTREAM_TIMEOUT and answers at the deadline without waiting for it', async () => {
    const { result, settledAt } = await run({ ok: () => after(10, 'x'), stuck: never }, 100);
    expect(result.stuck).toEqual({ error: { code: 'UPSTREAM_TIMEOUT', message: 'No answer within 100 ms' }, tookMs: 100 });
    expect(result.ok).toEqual({ data: 'x', tookMs: 10 });
    expect(settledAt).toBe(100);
  });

  it('ignores a late section’s outcome, even a failure, once its deadline has passed', async () => {
    const onUnexpected = jest.fn();
    const { result } = await run({ late: () => failAfter(150, new Error('boom')), lateData: () => after(120, 'too late') }, 100, onUnexpected);
    expect(result.late).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT' }, tookMs: 100 });
    expect(result.lateData).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT' }, tookMs: 100 });
  });

  it('starts every section at once instead of one after another', async () => {
    const started: string[] = [];
    const task = (name: string) => () => {
      started.push(name);
      return after(50, name);
    };
    const pending = fanOut({ a: task('a'), b: task('b'), c: task('c') }, { deadlineMs: 100, now: () => Date.now() });
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['a', 'b', 'c']);
    await jest.advanceTimersByTimeAsync(50);
    expect(Object.values(await pending).map((outcome) => outcome.tookMs)).toEqual([50, 50, 50]);
  });

  it('hands each section the deadline, for the calls it makes', async () => {
    const task = jest.fn(async (deadlineMs: number) => deadlineMs);
    const { result } = await run({ one: task }, 1500);
    expect(task).toHaveBeenCalledWith(1500);
    expect(result.one).toMatchObject({ data: 1500 });
  });

  it('reports an error that is not a domain error as INTERNAL, without its message, and tells whoever logs it', async () => {
    const onUnexpected = jest.fn();
    const bug = new TypeError('cannot read x of undefined at /srv/secret/path.js');
    const { result } = await run({ broken: () => failAfter(1, bug) }, 100, onUnexpected);
    expect(result.broken).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' }, tookMs: 1 });
    expect(onUnexpected).toHaveBeenCalledWith('broken', bug);
  });

  it('treats a section that throws before returning a promise as that section’s failure only', async () => {
    const { result } = await run({
      throws: () => {
        throw new DomainError('AUTH.FORBIDDEN', ErrorKind.PermissionDenied, 'For admins');
      },
      ok: () => after(2, true),
    });
    expect(result.throws).toEqual({ error: { code: 'AUTH.FORBIDDEN', message: 'For admins' }, tookMs: 0 });
    expect(result.ok).toEqual({ data: true, tookMs: 2 });
  });

  it('leaves no timer behind when every section answers early', async () => {
    const pending = fanOut({ ok: () => after(1, 'x') }, { deadlineMs: 10_000, now: () => Date.now() });
    await jest.advanceTimersByTimeAsync(1);
    expect(await pending).toEqual({ ok: { data: 'x', tookMs: 1 } });
    expect(jest.getTimerCount()).toBe(0);
  });
});

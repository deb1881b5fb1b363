import { CommonErrors, DomainError } from '@site11/contracts';

/** Why a section has no data: a stable code (the platform's error codes), and what it means. */
export interface SectionError {
  code: string;
  message?: string;
}

/** One section of an aggregated response: its data or its error, and how long it took. */
export type SectionOutcome<T> = { data: T; tookMs: number } | { error: SectionError; tookMs: number };

/** A section's work; `deadlineMs` is what it may take, to hand on to the calls it makes. */
export type SectionTask<T> = (deadlineMs: number) => Promise<T>;

export interface FanOutOptions {
  /** The longest any section is waited for. */
  deadlineMs: number;
  /** Told about a failure that is not a `DomainError` (a bug): its section says only INTERNAL. */
  onUnexpected?: (section: string, error: unknown) => void;
  /** Milliseconds from an arbitrary origin (tests pass a fake one). */
  now?: () => number;
}

const EXPIRED = Symbol('expired');

/**
 * Starts every section at once and settles each by the deadline: a section that fails keeps its
 * error to itself, and one that has not answered by the deadline is reported as UPSTREAM_TIMEOUT
 * (the code the gateway uses for a service that did not answer in time) and no longer waited
 * for. So the whole never takes longer than the deadline, whatever its parts do.
 */
export async function fanOut<T extends Record<string, unknown>>(
  tasks: { [K in keyof T]: SectionTask<T[K]> },
  options: FanOutOptions,
): Promise<{ [K in keyof T]: SectionOutcome<T[K]> }> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof EXPIRED>((resolve) => {
    timer = setTimeout(() => resolve(EXPIRED), options.deadlineMs);
  });
  const tookMs = () => Math.round((now() - started) * 100) / 100;
  const timedOut: SectionError = { code: CommonErrors.upstreamTimeout, message: `No answer within ${options.deadlineMs} ms` };

  const settle = async (name: string, task: SectionTask<unknown>): Promise<SectionOutcome<unknown>> => {
    // a task that throws before returning its promise is a failure of its section, not of the whole
    const running = Promise.resolve()
      .then(() => task(options.deadlineMs))
      .then(
        (data) => ({ data }),
        (error: unknown) => ({ error: describe(name, error, options.onUnexpected) }),
      );
    const result = await Promise.race([running, expired]);
    return result === EXPIRED ? { error: timedOut, tookMs: tookMs() } : { ...result, tookMs: tookMs() };
  };

  try {
    const names = Object.keys(tasks);
    const outcomes = await Promise.all(names.map((name) => settle(name, tasks[name] as SectionTask<unknown>)));
    return Object.fromEntries(names.map((name, index) => [name, outcomes[index]])) as { [K in keyof T]: SectionOutcome<T[K]> };
  } finally {
    clearTimeout(timer);
  }
}

function describe(section: string, error: unknown, onUnexpected?: (section: string, error: unknown) => void): SectionError {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  onUnexpected?.(section, error);
  return { code: CommonErrors.internal, message: 'Internal error' };
}

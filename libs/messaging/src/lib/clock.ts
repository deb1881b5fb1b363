/**
 * Deadlines are absolute times written by one process and checked by another, possibly on
 * another machine. Both sides read them on Redis' clock: each process keeps the offset between
 * its own clock and Redis `TIME` (taken on connect, refreshed by every heartbeat) and reads the
 * time through `platformClock.now()`.
 */
export class RedisClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Records Redis' time as seen by a round trip sent at `sentAt` and answered at `receivedAt`. */
  observe(redisNowMs: number, sentAt: number, receivedAt: number): void {
    this.offsetMs = Math.round(redisNowMs - (sentAt + receivedAt) / 2);
  }

  /** Reads Redis `TIME` once. */
  async sync(redis: { time(): Promise<(string | number)[]> }): Promise<void> {
    const sentAt = Date.now();
    const [seconds, micros] = await redis.time();
    this.observe(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), sentAt, Date.now());
  }

  get offset(): number {
    return this.offsetMs;
  }
}

/** The one clock of this process; the transport keeps it in step with Redis. */
export const platformClock = new RedisClock();

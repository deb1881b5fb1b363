/**
 * At most `size` pieces of work at once; the rest wait their turn, in order. With `wait`, a turn
 * not come within `wait.ms` is refused with `wait.refuse()` instead. The images service bounds its
 * memory with two: decodes at once (each holds its pixels), uploads read at once (each holds its
 * bytes).
 */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>, wait?: { ms: number; refuse: () => Error }): Promise<T> {
    if (this.free > 0) this.free--;
    else await this.turn(wait);
    try {
      return await work();
    } finally {
      // the slot goes to the next one waiting, or back to the pool
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }

  private turn(wait?: { ms: number; refuse: () => Error }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = wait
        ? setTimeout(() => {
            this.waiting.splice(this.waiting.indexOf(come), 1);
            reject(wait.refuse());
          }, wait.ms)
        : undefined;
      const come = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.push(come);
    });
  }
}

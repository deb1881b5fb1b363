import { Slots } from './slots';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots', () => {
  it('runs at most its size at once, the rest in order as slots free up', async () => {
    const slots = new Slots(2);
    const started: number[] = [];
    const finish: Array<() => void> = [];
    const runs = [1, 2, 3, 4].map((n) =>
      slots.run(async () => {
        started.push(n);
        await new Promise<void>((resolve) => finish.push(resolve));
      }),
    );
    await tick();
    expect(started).toEqual([1, 2]);
    finish[0]?.();
    await tick();
    expect(started).toEqual([1, 2, 3]);
    finish.slice(1).forEach((done) => done());
    await tick();
    finish.forEach((done) => done());
    await Promise.all(runs);
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it('refuses a turn that does not come within the wait, and keeps the slot count right', async () => {
    const slots = new Slots(1);
    let release: () => void = () => undefined;
    const holding = slots.run(() => new Promise<void>((resolve) => (release = resolve)));
    await expect(slots.run(async () => 'late', { ms: 20, refuse: () => new Error('busy') })).rejects.toThrow('busy');
    release();
    await holding;
    await expect(slots.run(async () => 'next')).resolves.toBe('next');
  });
});

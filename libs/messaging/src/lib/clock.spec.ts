import { RedisClock } from './clock';

describe('RedisClock', () => {
  it('reads time on Redis’ clock, taking half the round trip as the moment Redis answered', () => {
    const clock = new RedisClock();
    const local = Date.now();
    // Redis is 5 s ahead; the round trip took 40 ms
    clock.observe(local + 5000 + 20, local, local + 40);
    expect(clock.offset).toBe(5000);
    expect(Math.abs(clock.now() - (Date.now() + 5000))).toBeLessThan(50);
  });

  it('syncs from TIME', async () => {
    const clock = new RedisClock();
    await clock.sync({ time: async () => [String(Math.floor((Date.now() - 60_000) / 1000)), '0'] });
    expect(clock.offset).toBeLessThan(-58_000);
  });
});

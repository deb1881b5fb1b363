import { clusterSlotOf, sharedClusterSlot } from './cluster-slot';

describe('clusterSlotOf', () => {
  // what `CLUSTER KEYSLOT` answered on a redis-server 7 with cluster-enabled
  it.each([
    ['foo', 12182],
    ['hello', 866],
    ['somekey', 11058],
    ['{user1000}.following', 3443],
    ['rpc:{users}', 14124],
    ['live:{users}', 14124],
    ['foo{}{bar}', 8363],
    ['foo{{bar}}zap', 4015],
    ['foo{bar}{zap}', 5061],
    ['é{ü}', 9552],
    ['', 0],
  ])('hashes %j to slot %i, like Redis', (key, slot) => {
    expect(clusterSlotOf(key)).toBe(slot);
  });

  it('tells whether keys share one slot', () => {
    expect(sharedClusterSlot(['rpc:{users}', 'live:{users}', 'idem:{users}:k'])).toBe(14124);
    expect(sharedClusterSlot(['rpc:{users}', 'rpc:{oauth}'])).toBeNull();
  });
});

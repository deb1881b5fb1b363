import { sharedClusterSlot } from '@site11/redis';
import { CacheKeys } from './read-cache';

describe('read cache keys on Redis Cluster', () => {
  it('keeps the version, views and load locks of one resource on one slot (the lookup and store scripts use them together)', () => {
    const ref = { resource: 'users', id: '65f0c0ffee0000000000abcd' };
    const lookup = [CacheKeys.version(ref), CacheKeys.view(ref, 'admin')];
    const store = [CacheKeys.version(ref), CacheKeys.view(ref, 'owner:65f0'), CacheKeys.lock(ref, 'owner:65f0')];

    expect(sharedClusterSlot(lookup)).not.toBeNull();
    expect(sharedClusterSlot(store)).toBe(sharedClusterSlot(lookup));
  });
});

import { type RedisClient, sharedClusterSlot } from '@site11/redis';
import { TokenDenylist } from './token-denylist';

describe('TokenDenylist on Redis Cluster', () => {
  function recording() {
    const calls: { command: string; keys: string[] }[] = [];
    const redis = {
      exists: jest.fn(async (...keys: string[]) => (calls.push({ command: 'exists', keys }), 0)),
      set: jest.fn(async (key: string) => (calls.push({ command: 'set', keys: [key] }), 'OK')),
      pipeline: jest.fn(() => {
        throw new Error('a pipeline spans the slots of several sessions');
      }),
    };
    return { calls, denylist: new TokenDenylist(redis as unknown as RedisClient) };
  }

  it("checks a token and its session in one EXISTS of one slot", async () => {
    const { calls, denylist } = recording();
    await denylist.isDenied('jti-1', 'session-1');

    expect(calls).toEqual([{ command: 'exists', keys: [expect.any(String), expect.any(String)] }]);
    expect(sharedClusterSlot(calls[0].keys)).not.toBeNull();
  });

  it('denies several sessions with one command each, since each session has a slot of its own', async () => {
    const { calls, denylist } = recording();
    await denylist.denySessions(['s1', 's2', 's3'], 900);

    expect(calls.map((call) => call.command)).toEqual(['set', 'set', 'set']);
    expect(sharedClusterSlot(calls.flatMap((call) => call.keys))).toBeNull();
  });
});

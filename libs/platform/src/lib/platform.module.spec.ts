import { DomainError, ErrorKind } from '@site11/contracts';
import type { RpcClient } from '@site11/messaging';
import { pingCheck } from './platform.module';

const rpcAnswering = (answer: () => Promise<unknown>) => ({ send: jest.fn(answer) }) as unknown as RpcClient & { send: jest.Mock };

describe('pingCheck', () => {
  it('reports a service up, with its latency, when it answers its ping as a probe past the breaker', async () => {
    const rpc = rpcAnswering(async () => ({ service: 'users' }));
    const result = await pingCheck(rpc, 'users')();
    expect(result).toEqual({ users: { status: 'up', latencyMs: expect.any(Number) } });
    expect(rpc.send).toHaveBeenCalledWith('users.ping', {}, expect.objectContaining({ probe: true, deadlineMs: 1000 }));
  });

  it('reports a service down with the error code as its reason, and nothing more', async () => {
    const down = rpcAnswering(async () => {
      throw new DomainError('SERVICE_UNAVAILABLE', ErrorKind.Unavailable, 'No instance at redis://10.0.0.5:6379');
    });
    expect(await pingCheck(down, 'oauth')()).toEqual({ oauth: { status: 'down', reason: 'SERVICE_UNAVAILABLE' } });
    const broken = rpcAnswering(async () => {
      throw new Error('socket hang up at 10.0.0.5');
    });
    expect(await pingCheck(broken, 'oauth')()).toEqual({ oauth: { status: 'down', reason: 'unavailable' } });
  });
});

import { redisConnectionOptions, transportRedisOptions } from './redis-options';

describe('redis options', () => {
  it('parses credentials, database and TLS from the URL', () => {
    expect(redisConnectionOptions('rediss://app:s%40cret@cache.internal:6380/2')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'app',
      password: 's@cret',
      db: 2,
      tls: {},
    });
  });

  it('defaults the port and sets nothing it was not given', () => {
    expect(redisConnectionOptions('redis://localhost')).toEqual({ host: 'localhost', port: 6379 });
  });

  it('fails calls at once while disconnected on the calling side only', () => {
    expect(transportRedisOptions('redis://h', 'client')).toMatchObject({ enableOfflineQueue: false });
    expect(transportRedisOptions('redis://h', 'server')).not.toHaveProperty('enableOfflineQueue');
  });
});

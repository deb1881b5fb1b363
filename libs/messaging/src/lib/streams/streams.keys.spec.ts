import { serviceOf, StreamKeys } from './streams.keys';

describe('stream layout', () => {
  it('routes a pattern to the stream of the service named by its first segment', () => {
    expect(serviceOf('users.find-by-id')).toBe('users');
    expect(StreamKeys.requests(serviceOf('oauth.jwks'))).toBe('rpc:oauth');
  });

  it('gives each event type its own stream', () => {
    expect(StreamKeys.events('users.deleted')).toBe('evt:users.deleted');
  });

  it('treats a pattern without a dot as a service of its own', () => {
    expect(serviceOf('ping')).toBe('ping');
  });
});

import { serviceOf, slotGroupOf, StreamKeys } from './streams.keys';

describe('stream layout', () => {
  it('routes a pattern to the stream of the service named by its first segment', () => {
    expect(serviceOf('users.find-by-id')).toBe('users');
    expect(StreamKeys.requests(serviceOf('oauth.jwks'))).toBe('rpc:{oauth}');
  });

  it('gives each event type its own stream, tagged with the service that emits it', () => {
    expect(StreamKeys.events('users.deleted')).toBe('evt:{users}:users.deleted');
    expect(StreamKeys.events('applications.config.published')).toBe('evt:{applications}:applications.config.published');
  });

  it('puts every key one script or transaction touches for a service in one cluster slot group', () => {
    const keys = [
      StreamKeys.requests('users'),
      StreamKeys.live('users'),
      StreamKeys.handled('users'),
      StreamKeys.deadLetters('users'),
      StreamKeys.idempotency('users', 'c:console-gateway:u1:key'),
    ];
    expect(new Set(keys.map(slotGroupOf))).toEqual(new Set(['users']));
    expect(slotGroupOf(StreamKeys.published('users.deleted', 'e1'))).toBe(slotGroupOf(StreamKeys.events('users.deleted')));
  });

  it("names a reply channel after the calling app first, so only that app's Redis user may subscribe to it", () => {
    expect(StreamKeys.reply('console-gateway', 'console-gateway-pod-1:3f1c')).toBe('rpc:reply:console-gateway:console-gateway-pod-1:3f1c');
  });

  it('treats a pattern without a dot as a service of its own', () => {
    expect(serviceOf('ping')).toBe('ping');
  });
});

import type { UserDto } from '@site11/contracts';
import type { TokenDenylist } from '@site11/auth';
import { decodeJwt, generateKeyPair } from 'jose';
import type { Model } from 'mongoose';
import type { SigningKeysService } from '../keys/signing-keys.service';
import { OAuthConfig } from '../oauth.config';
import type { BrowserSession } from '../oidc/oidc.schema';
import type { RefreshToken, Session } from './session.schema';
import { TokensService } from './tokens.service';

describe('TokensService', () => {
  const user = { id: '0123456789abcdef01234567', email: 'a@b.co', roles: ['user'] } as UserDto;

  afterEach(() => jest.useRealTimers());

  it('gives an access token exactly its lifetime even when signing crosses a second boundary', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 26, 12, 0, 0, 999), doNotFake: ['nextTick', 'setImmediate'] });
    const sessions = { create: async (doc: Session) => doc } as unknown as Model<Session>;
    // storing the refresh token takes a few milliseconds: the clock moves into the next second
    const refreshTokens = {
      create: async (doc: RefreshToken) => {
        jest.setSystemTime(Date.now() + 5);
        return doc;
      },
    } as unknown as Model<RefreshToken>;
    const keys = { current: async () => ({ kid: 'k1', privateKey }) } as unknown as SigningKeysService;
    const tokens = new TokensService(sessions, refreshTokens, {} as Model<BrowserSession>, keys, new OAuthConfig(), {} as TokenDenylist);

    const pair = await tokens.startSession(user);

    const claims = decodeJwt(pair.accessToken);
    expect(pair.expiresIn).toBe(900);
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(claims.iat).toBeGreaterThanOrEqual(Math.floor(Date.UTC(2026, 10, 26, 12, 0, 0) / 1000));
  });
});

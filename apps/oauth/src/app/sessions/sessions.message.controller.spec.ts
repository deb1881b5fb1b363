import { Test } from '@nestjs/testing';
import { DomainError, ErrorKind, type RpcMetadata, type UserDto, UsersErrors, UsersPatterns } from '@site11/contracts';
import { TokenDenylist } from '@site11/auth';
import { RpcClient } from '@site11/messaging';
import { ServiceTokensService } from '../keys/service-tokens.service';
import { OAuthConfig } from '../oauth.config';
import { UsersClient } from '../users/users.client';
import { MfaChallenges } from './mfa-challenges';
import { SessionsMessageController } from './sessions.message.controller';
import { SignIns } from './sign-ins';
import { TokensService } from './tokens.service';

describe('SessionsMessageController', () => {
  const user = { id: '0123456789abcdef01234567', email: 'a@b.co', roles: ['user'] } as UserDto;
  const pair = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer' as const, expiresIn: 900 };
  let rpc: { send: jest.Mock };
  let tokens: { startSession: jest.Mock; refresh: jest.Mock; logout: jest.Mock };
  let signIns: { succeeded: jest.Mock; failed: jest.Mock };
  let challenges: { open: jest.Mock };
  let config: OAuthConfig;
  let controller: SessionsMessageController;
  const client = { ip: '203.0.113.7', userAgent: 'test-agent' };
  const metadata = (): RpcMetadata => ({ requestId: 'req-9', caller: 'console-gateway', deadline: Date.now() + 2000, client });

  beforeEach(async () => {
    rpc = { send: jest.fn() };
    tokens = { startSession: jest.fn().mockResolvedValue(pair), refresh: jest.fn(), logout: jest.fn() };
    signIns = { succeeded: jest.fn(), failed: jest.fn() };
    challenges = { open: jest.fn().mockResolvedValue({ mfaRequired: true, mfaToken: 'challenge' }) };
    config = new OAuthConfig();
    const moduleRef = await Test.createTestingModule({
      controllers: [SessionsMessageController],
      providers: [
        UsersClient,
        { provide: RpcClient, useValue: rpc },
        { provide: TokensService, useValue: tokens },
        { provide: TokenDenylist, useValue: { deny: jest.fn() } },
        { provide: SignIns, useValue: signIns },
        { provide: MfaChallenges, useValue: challenges },
        { provide: OAuthConfig, useValue: config },
        { provide: ServiceTokensService, useValue: { tokenFor: async (audience: string) => `service-token-for-${audience}` } },
      ],
    }).compile();
    controller = moduleRef.get(SessionsMessageController);
  });

  it('verifies credentials with the users service, within what is left of the caller’s deadline', async () => {
    rpc.send.mockResolvedValue(user);
    await expect(controller.login({ email: 'a@b.co', password: 'secret-pass' }, metadata())).resolves.toBe(pair);

    const [pattern, data, call] = rpc.send.mock.calls[0];
    expect(pattern).toBe(UsersPatterns.verifyCredentials);
    expect(data).toEqual({ email: 'a@b.co', password: 'secret-pass' });
    expect(call.requestId).toBe('req-9');
    expect(call.deadlineMs).toBeGreaterThan(1500);
    expect(call.deadlineMs).toBeLessThanOrEqual(2000);
    // as itself: the users service verifies oauth's service token, addressed to it
    expect(call.credential).toBe('service-token-for-users');
    expect(tokens.startSession).toHaveBeenCalledWith(user, client);
    expect(challenges.open).not.toHaveBeenCalled();
    // published for statistics: oauth.login.succeeded
    expect(signIns.succeeded).toHaveBeenCalledWith(user.id, 'password', expect.objectContaining({ requestId: 'req-9', client }));
  });

  it('starts no session when the credentials are wrong', async () => {
    rpc.send.mockRejectedValue(new DomainError('AUTH.INVALID_CREDENTIALS', ErrorKind.Unauthenticated, 'no'));
    await expect(controller.login({ email: 'a@b.co', password: 'x' }, metadata())).rejects.toMatchObject({
      code: 'AUTH.INVALID_CREDENTIALS',
    });
    expect(tokens.startSession).not.toHaveBeenCalled();
    // oauth.login.failed names no account
    expect(signIns.failed).toHaveBeenCalledWith('password', expect.objectContaining({ requestId: 'req-9', client }));
    expect(signIns.succeeded).not.toHaveBeenCalled();
  });

  it('answers a challenge instead of tokens when the account has two-factor authentication, and counts no sign-in yet', async () => {
    rpc.send.mockResolvedValue({ ...user, mfaEnabled: true });
    await expect(controller.login({ email: 'a@b.co', password: 'secret-pass' }, metadata())).resolves.toEqual({ mfaRequired: true, mfaToken: 'challenge' });
    expect(tokens.startSession).not.toHaveBeenCalled();
    expect(signIns.succeeded).not.toHaveBeenCalled();
  });

  it('refuses an unverified account after its password when verified emails are required', async () => {
    config.REQUIRE_VERIFIED_EMAIL = true;
    rpc.send.mockResolvedValue({ ...user, emailVerified: false });
    await expect(controller.login({ email: 'a@b.co', password: 'secret-pass' }, metadata())).rejects.toMatchObject({ code: 'AUTH.EMAIL_NOT_VERIFIED', kind: 'PERMISSION_DENIED' });
    expect(tokens.startSession).not.toHaveBeenCalled();
  });

  it('treats a deleted user as no user when refreshing', async () => {
    tokens.refresh.mockImplementation(async (_token: string, loadUser: (id: string) => Promise<UserDto | null>) => loadUser('x'));
    rpc.send.mockRejectedValue(new DomainError(UsersErrors.notFound, ErrorKind.NotFound, 'gone'));
    await expect(controller.refresh({ refreshToken: 't' }, metadata())).resolves.toBeNull();
  });
});

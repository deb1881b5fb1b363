import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { RpcAccess } from '@site11/auth';
import { type JsonWebKeySet, type KeyWithdrawalDto, OAuthPatterns, SigningKeyIdDto } from '@site11/contracts';
import { SigningKeysService } from './signing-keys.service';

/** The signing keys: published as a JWKS to anyone, rotated and withdrawn by admins. */
@Controller()
export class KeysMessageController {
  constructor(private readonly keys: SigningKeysService) {}

  @MessagePattern(OAuthPatterns.jwks)
  @RpcAccess({ anyone: true })
  jwks(): Promise<JsonWebKeySet> {
    return this.keys.jwks();
  }

  @MessagePattern(OAuthPatterns.rotateKeys)
  @RpcAccess({ actor: 'admin' })
  async rotateKeys(): Promise<{ kid: string }> {
    return { kid: await this.keys.rotate() };
  }

  @MessagePattern(OAuthPatterns.withdrawKey)
  @RpcAccess({ actor: 'admin' })
  withdrawKey(@Payload('data') { kid }: SigningKeyIdDto): Promise<KeyWithdrawalDto> {
    return this.keys.withdraw(kid);
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Caller, RpcAccess, type VerifiedActor } from '@site11/auth';
import { type JsonWebKeySet, type KeyWithdrawalDto, OAuthPatterns, type RpcMetadata, SigningKeyIdDto } from '@site11/contracts';
import { SigningKeysService } from './signing-keys.service';

/** The signing keys: published as a JWKS to anyone, rotated and withdrawn by admins (audited). */
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
  async rotateKeys(@Caller() actor: VerifiedActor, @Payload('metadata') metadata: RpcMetadata): Promise<{ kid: string }> {
    return { kid: await this.keys.rotate({ actor: actor.sub, metadata }) };
  }

  @MessagePattern(OAuthPatterns.withdrawKey)
  @RpcAccess({ actor: 'admin' })
  withdrawKey(
    @Payload('data') { kid }: SigningKeyIdDto,
    @Caller() actor: VerifiedActor,
    @Payload('metadata') metadata: RpcMetadata,
  ): Promise<KeyWithdrawalDto> {
    return this.keys.withdraw(kid, { actor: actor.sub, metadata });
  }
}

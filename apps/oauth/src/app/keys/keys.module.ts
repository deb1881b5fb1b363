import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { TokenDenylist } from '@site11/auth';
import { SigningKey, SigningKeySchema } from './signing-key.schema';
import { KeysMessageController } from './keys.message.controller';
import { ServiceTokensService } from './service-tokens.service';
import { SigningKeysService } from './signing-keys.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: SigningKey.name, schema: SigningKeySchema }])],
  controllers: [KeysMessageController],
  // the denylist also carries withdrawn keys, which every verifier checks
  providers: [SigningKeysService, ServiceTokensService, TokenDenylist],
  exports: [SigningKeysService, ServiceTokensService, TokenDenylist],
})
export class KeysModule {}

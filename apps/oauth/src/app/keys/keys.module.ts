import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { SigningKey, SigningKeySchema } from './signing-key.schema';
import { SigningKeysService } from './signing-keys.service';

@Module({
  imports: [MongooseModule.forFeature([{ name: SigningKey.name, schema: SigningKeySchema }])],
  providers: [SigningKeysService],
  exports: [SigningKeysService],
})
export class KeysModule {}

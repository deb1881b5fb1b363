import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { KeysModule } from '../keys/keys.module';
import { RefreshToken, RefreshTokenSchema, Session, SessionSchema } from './session.schema';
import { TokensService } from './tokens.service';

@Module({
  imports: [
    KeysModule,
    MongooseModule.forFeature([
      { name: Session.name, schema: SessionSchema },
      { name: RefreshToken.name, schema: RefreshTokenSchema },
    ]),
  ],
  providers: [TokensService],
  exports: [TokensService],
})
export class TokensModule {}

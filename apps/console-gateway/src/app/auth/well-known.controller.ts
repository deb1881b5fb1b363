import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwksStore, Public } from '@site11/auth';
import type { JsonWebKeySet } from '@site11/contracts';

@ApiTags('auth')
@Controller('.well-known')
export class WellKnownController {
  constructor(private readonly jwks: JwksStore) {}

  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify access tokens (RFC 7517)' })
  keys(): Promise<JsonWebKeySet> {
    return this.jwks.current();
  }
}

import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwksStore, TokenDenylist } from '@site11/auth';
import { Public } from '@site11/gateway-auth';
import type { JsonWebKeySet } from '@site11/contracts';

@ApiTags('auth')
@Controller('.well-known')
export class WellKnownHttpController {
  constructor(
    private readonly jwks: JwksStore,
    private readonly denylist: TokenDenylist,
  ) {}

  @Public()
  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Public keys that verify access tokens (RFC 7517)' })
  async keys(): Promise<JsonWebKeySet> {
    const { keys } = await this.jwks.current();
    // a key withdrawn a moment ago leaves at once, even from the copy this gateway still caches
    const withdrawn = await Promise.all(keys.map((key) => this.denylist.isKeyWithdrawn(key.kid)));
    return { keys: keys.filter((_key, index) => !withdrawn[index]) };
  }
}

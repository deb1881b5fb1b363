import { Injectable } from '@nestjs/common';

/** The time as the account flows read it (token expiry, TOTP steps): a provider, so tests can move it. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}

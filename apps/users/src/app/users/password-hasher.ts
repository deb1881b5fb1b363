import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` of @node-rs/argon2 (an ambient const enum, not importable as a value). */
const ARGON2ID = 2;

/** OWASP password storage cheat sheet: argon2id, m = 19 MiB, t = 2, p = 1. */
export const ARGON2_PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher {
  /** Verified against when there is no real hash, so that a miss costs as much as a hit. */
  private readonly decoy = hash('decoy password that matches nothing', ARGON2_PARAMS);

  hash(password: string): Promise<string> {
    return hash(password, ARGON2_PARAMS);
  }

  /** Constant-work check: an absent hash still runs one argon2 verification, then fails. */
  async verify(hashed: string | undefined, password: string): Promise<boolean> {
    if (!hashed) {
      await verify(await this.decoy, password);
      return false;
    }
    return verify(hashed, password);
  }
}

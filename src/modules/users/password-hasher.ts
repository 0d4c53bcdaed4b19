import { hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';

// Algorithm.Argon2id; the enum is a `const enum`, which isolatedModules cannot read.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** argon2id (OWASP parameters). */
@Injectable()
export class PasswordHasher {
  // Verified against when the account does not exist, so both paths cost the same.
  private readonly decoy = hash('decoy-password-for-timing', OPTIONS);

  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  async verify(storedHash: string | null | undefined, password: string): Promise<boolean> {
    try {
      return await verify(storedHash ?? (await this.decoy), password);
    } catch {
      return false;
    }
  }
}

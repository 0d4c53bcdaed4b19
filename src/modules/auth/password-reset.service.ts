import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { UserAccounts } from '../users/user-accounts';
import { PasswordResetThrottle } from './password-reset-throttle';

/**
 * Forgot password. The caller gets the same answer at the same speed whatever the email (unknown,
 * deactivated, invited or active): only the throttle runs before the answer; looking the account
 * up, issuing the token and queueing the email happen after it.
 */
@Injectable()
export class PasswordResetService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PasswordResetService.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly users: UserAccounts,
    private readonly throttle: PasswordResetThrottle,
  ) {}

  async request(email: string, ip: string): Promise<void> {
    await this.throttle.assertAllowed(email, ip);
    const work = this.users
      .startPasswordReset(email)
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, 'password reset request failed'))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Requests already answered are finished before the database and queue connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

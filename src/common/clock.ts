import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The time every time-dependent rule reads (due dates, locks, quiet hours, inactivity).
 * Production uses the system clock; tests move it with `set()` instead of sleeping.
 * Deliberately on the system clock instead: elapsed-time measurements (log durations), the
 * access-token cache (jsonwebtoken checks `exp` against real time) and rate-limit windows (Redis TTLs).
 */
@Injectable()
export class Clock {
  private fixed: Date | null = null;

  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }

  /** Tests only: pin the clock (null returns to real time). */
  set(at: Date | null): void {
    this.fixed = at ? new Date(at) : null;
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}

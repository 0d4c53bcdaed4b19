import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The time every time-dependent rule reads (due dates, locks, quiet hours, inactivity).
 * Production uses the system clock; tests move it with `set()` instead of sleeping.
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

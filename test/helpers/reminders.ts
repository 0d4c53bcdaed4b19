import type { INestApplicationContext } from '@nestjs/common';
import { Clock } from '../../src/common/clock';
import { InactivityScanner } from '../../src/modules/reminders/inactivity-scanner';
import { ReminderDispatch } from '../../src/modules/reminders/reminder-dispatch';
import type { TestApp } from './app';

/** Drives the reminder pipeline by hand: the test owns the clock and when dispatch runs. */
export class ReminderDriver {
  constructor(
    private readonly t: TestApp,
    private readonly workers: INestApplicationContext[],
  ) {}

  /** Moves every process's clock (the API's and each worker's). */
  setClock(at: Date): void {
    for (const context of [this.t.app, ...this.workers]) context.get(Clock, { strict: false }).set(at);
  }

  dispatch(): Promise<number> {
    return this.workers[0].get(ReminderDispatch, { strict: false }).run();
  }

  scanInactivity(): Promise<number> {
    return this.workers[0].get(InactivityScanner, { strict: false }).run();
  }

  /** Until no reminder is queued or sending (the BullMQ worker finished what was dispatched). */
  async settle(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await this.t.db.query("SELECT count(*)::int AS n FROM reminders WHERE status IN ('queued', 'sending')");
      if (rows[0].n === 0) return;
      if (Date.now() > deadline) throw new Error(`${rows[0].n} reminders still queued or sending`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** dispatch, then wait for the worker. */
  async run(): Promise<number> {
    const n = await this.dispatch();
    await this.settle();
    return n;
  }

  async statuses(
    where = 'TRUE',
    params: unknown[] = [],
  ): Promise<Array<{ kind: string; status: string; skip_reason: string | null; email: string }>> {
    const { rows } = await this.t.db.query(
      `SELECT r.kind, r.status, r.skip_reason, u.email FROM reminders r JOIN users u ON u.id = r.user_id WHERE ${where} ORDER BY u.email, r.kind, r.scheduled_for`,
      params,
    );
    return rows;
  }
}

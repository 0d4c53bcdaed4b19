import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Writes reminder rows inside the caller's transaction; the dedupe key makes each exist once. */
@Injectable()
export class ReminderScheduleRepository {
  /** One `welcome` per enrolment, due now. Returns how many rows were created. */
  async scheduleWelcome(manager: EntityManager, enrolments: Array<{ id: string; userId: string }>, at: Date = new Date()): Promise<number> {
    if (!enrolments.length) return 0;
    const rows: unknown[] = await manager.query(
      `INSERT INTO reminders (kind, user_id, enrolment_id, dedupe_key, scheduled_for)
       SELECT 'welcome', e.user_id, e.id, 'welcome:' || e.id, $3
       FROM unnest($1::uuid[], $2::uuid[]) AS e(id, user_id)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
      [enrolments.map((e) => e.id), enrolments.map((e) => e.userId), at],
    );
    return rows.length;
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CancelReason, PlannedNotices, ReminderScheduleRepository } from './reminder-schedule.repository';

export type { CancelReason, PlannedNotices };

type Schedule = ReminderScheduleRepository;

/**
 * What enrolments and assignments may do to reminder rows: write and cancel them inside the
 * caller's transaction (the reminders module's public surface for scheduling).
 */
@Injectable()
export class ReminderScheduleService {
  constructor(private readonly schedule: ReminderScheduleRepository) {}

  scheduleWelcome(manager: EntityManager, enrolments: Array<{ id: string; userId: string }>, at: Date): Promise<number> {
    return this.schedule.scheduleWelcome(manager, enrolments, at);
  }

  planNotices(manager: EntityManager, assignmentId: string): Promise<PlannedNotices> {
    return this.schedule.planNotices(manager, assignmentId);
  }

  scheduleAssignmentReminders(
    ...args: Parameters<Schedule['scheduleAssignmentReminders']>
  ): ReturnType<Schedule['scheduleAssignmentReminders']> {
    return this.schedule.scheduleAssignmentReminders(...args);
  }

  cancelPending(...args: Parameters<Schedule['cancelPending']>): ReturnType<Schedule['cancelPending']> {
    return this.schedule.cancelPending(...args);
  }
}

import type { ReminderJob } from '../jobs/queues';

/** A class that runs one repeatable job of the reminders queue; the worker finds it by `job` and checks every job has one at boot. */
export interface ReminderJobHandler {
  readonly job: ReminderJob;
  run(): Promise<number>;
}

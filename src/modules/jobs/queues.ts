export { bullConnection } from '../redis/redis-connection';

/** Every queue and job name, in one place; processors register against these and check at boot. */
export enum QueueName {
  Mail = 'mail',
  Reminders = 'reminders',
}

export enum MailJob {
  Invitation = 'invitation',
  PasswordReset = 'password-reset',
}

export enum ReminderJob {
  Send = 'send',
  Dispatch = 'dispatch',
  ScanInactivity = 'scan-inactivity',
  Reconcile = 'reconcile',
  /** Plans instructors' at-risk alert slots and sends the due ones (see src/modules/alerts). */
  AtRiskAlerts = 'at-risk-alerts',
  SendDigests = 'send-digests',
}

export const QUEUE_JOBS: Record<QueueName, readonly string[]> = {
  [QueueName.Mail]: Object.values(MailJob),
  [QueueName.Reminders]: Object.values(ReminderJob),
};

/** Invitation and password-reset mails: the set-password token the link carries. */
export interface InvitationJobData {
  passwordTokenId: string;
}

export interface ReminderJobData {
  reminderId: string;
  /** The transaction that writes the reminder, when the job may be queued before it commits. */
  xid?: string;
}

/** BullMQ refuses ':' in custom ids. */
export const reminderJobId = (reminderId: string) => `reminder-${reminderId}`;

/** Failed jobs stay visible for a week; completed ones are trimmed. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

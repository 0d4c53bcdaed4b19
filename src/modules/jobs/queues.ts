/** Every queue and job name, in one place; processors register against these. */
export enum QueueName {
  Mail = 'mail',
}

export enum MailJob {
  Invitation = 'invitation',
}

export const QUEUE_JOBS: Record<QueueName, readonly string[]> = {
  [QueueName.Mail]: Object.values(MailJob),
};

export interface InvitationJobData {
  passwordTokenId: string;
}

/** Failed jobs stay visible for a week; completed ones are trimmed. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { StorageRepository } from './storage.repository';

export interface RetentionResult {
  progressEvents: number;
  reminderBodies: number;
  reminders: number;
  auditEntries: number;
}

/** Batches per kind of row in one run, so a first run over years of data cannot hold the worker for hours; the next run goes on. */
const MAX_BATCHES = 200;
const DAY_MS = 86_400_000;

/**
 * Bounded storage: raw progress events older than PROGRESS_EVENT_RETENTION_DAYS (item_progress
 * keeps the state they built), the subject and bodies of sent/skipped/cancelled reminders after
 * REMINDER_BODY_RETENTION_DAYS and those rows after REMINDER_ROW_RETENTION_DAYS, audit entries
 * after AUDIT_RETENTION_DAYS (0: never). Each statement touches at most RETENTION_BATCH_SIZE rows,
 * oldest first, by an index on the dating column, so it costs the same whatever the table's size.
 */
@Injectable()
export class StorageRetention {
  private readonly logger = new Logger(StorageRetention.name);

  constructor(
    private readonly storage: StorageRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** One pass; null when another process holds the retention lock. */
  async run(): Promise<RetentionResult | null> {
    const result = await this.storage.withLock(() => this.pass());
    if (result && Object.values(result).some((n) => n > 0)) this.logger.log(result, 'retention pass');
    return result;
  }

  private async pass(): Promise<RetentionResult> {
    const { progressEventDays, reminderBodyDays, reminderRowDays, auditDays, batchSize } = this.config.retention;
    const now = this.clock.now().getTime();
    const before = (days: number) => new Date(now - days * DAY_MS);
    const drain = async (step: (limit: number) => Promise<number>): Promise<number> => {
      let total = 0;
      for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
        const n = await step(batchSize);
        total += n;
        if (n < batchSize) break;
      }
      return total;
    };
    return {
      progressEvents: await drain((limit) => this.storage.deleteEventsBefore(before(progressEventDays), limit)),
      reminderBodies: await drain((limit) => this.storage.stripReminderBodiesBefore(before(reminderBodyDays), limit)),
      reminders: await drain((limit) => this.storage.deleteRemindersBefore(before(reminderRowDays), limit)),
      auditEntries: auditDays > 0 ? await drain((limit) => this.storage.deleteAuditBefore(before(auditDays), limit)) : 0,
    };
  }
}

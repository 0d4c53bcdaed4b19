import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { QueueName } from './queues';

/** Jobs still to run; finished and failed ones are history and stay where they are. */
const PENDING = ['waiting', 'delayed', 'prioritized'] as const;

/**
 * Queue keys moved from `<REDIS_PREFIX>:bull` to the hash-tagged `{<REDIS_PREFIX>}:bull` (issue 20).
 * At worker start, jobs still waiting under the old prefix move to the new one (same id, name, data
 * and options, the delay that is left), so an upgrade loses none: invitation and reset mails have no
 * other record of their job. Reminders would be re-queued by the reconciler from PostgreSQL anyway.
 * Scheduler jobs are not moved: the schedule watchdog re-creates the schedulers under the new prefix.
 * Only on a single server: a cluster never held the old keys.
 */
@Injectable()
export class LegacyQueueKeys implements OnApplicationBootstrap {
  private readonly logger = new Logger(LegacyQueueKeys.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { url, prefix, clusterNodes } = this.config.redis;
    if (clusterNodes || !url) return;
    for (const name of Object.values(QueueName)) {
      const legacy = new Queue(name, { connection: { url, maxRetriesPerRequest: null }, prefix: `${prefix}:bull` });
      try {
        const moved = await this.move(legacy, this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
        if (moved > 0) this.logger.log({ queue: name, moved }, 'moved pending jobs from the old queue prefix');
      } catch (error) {
        // Not fatal: reminders are re-queued from PostgreSQL; the old jobs stay for the next start.
        this.logger.warn(
          { queue: name, error: error instanceof Error ? error.message : String(error) },
          'could not move jobs from the old queue prefix',
        );
      } finally {
        await legacy.close();
      }
    }
  }

  private async move(legacy: Queue, current: Queue): Promise<number> {
    let moved = 0;
    for (const state of PENDING) {
      // Scheduler jobs stay (and are skipped past); every moved job leaves the list.
      for (let skipped = 0; ;) {
        const jobs = (await legacy.getJobs([state], skipped, skipped + 99)).filter(Boolean);
        if (jobs.length === 0) break;
        for (const job of jobs) {
          if (job.id?.startsWith('repeat:')) {
            skipped += 1;
            continue;
          }
          const delay = Math.max(0, job.timestamp + (job.delay ?? 0) - Date.now());
          await current.add(job.name, job.data, { ...job.opts, jobId: job.id, delay });
          await job.remove();
          moved += 1;
        }
      }
    }
    return moved;
  }
}

import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QueueName } from '../src/modules/jobs/queues';
import type { TestApp } from './helpers/app';
import { startTestApp } from './helpers/app';

/** Issue 20: queue keys moved from `<prefix>:bull` to `{<prefix>}:bull`; an upgrade must not strand pending jobs. */
describe('queue prefix upgrade (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('moves jobs still pending under the old prefix to the new one when a worker starts, keeping id, data and the delay left', async () => {
    const legacy = new Queue(QueueName.Mail, {
      connection: { url: t.env.REDIS_URL, maxRetriesPerRequest: null },
      prefix: `${t.env.REDIS_PREFIX}:bull`,
    });
    try {
      await legacy.add('invitation', { passwordTokenId: 'legacy-token' }, { jobId: 'legacy-1', delay: 3_600_000, attempts: 5 });
      await legacy.add('password-reset', { passwordTokenId: 'legacy-token-2' }, { jobId: 'legacy-2', delay: 7_200_000 });
      expect(await legacy.getDelayedCount()).toBe(2);
      await t.startWorker();
      expect(await legacy.getJobCounts('waiting', 'delayed', 'prioritized')).toEqual({ waiting: 0, delayed: 0, prioritized: 0 });
      const current = t.app.get<Queue>(getQueueToken(QueueName.Mail), { strict: false });
      const moved = await current.getJob('legacy-1');
      expect(moved).toMatchObject({ name: 'invitation', data: { passwordTokenId: 'legacy-token' } });
      expect(moved!.opts.attempts).toBe(5);
      expect(await moved!.getState()).toBe('delayed');
      expect(moved!.timestamp + moved!.delay).toBeGreaterThan(Date.now() + 3_500_000);
      expect(await current.getJob('legacy-2')).toMatchObject({ name: 'password-reset' });
    } finally {
      await legacy.obliterate({ force: true }).catch(() => undefined);
      await legacy.close();
    }
  });
});

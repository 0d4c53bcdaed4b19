import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { ReminderQueue } from './reminder-queue';

const config = { reminders: { attempts: 5, backoffMs: 1000 } } as never;
/** A Queue stand-in whose connection is up (or not) and whose addBulk is `addBulk`. */
const queueWith = (addBulk: jest.Mock, status = 'ready') =>
  ({ addBulk, getBackend: () => ({ client: Promise.resolve({ status }) }) }) as unknown as Queue;
const now = new Date('2026-12-01T12:00:00Z');

describe('ReminderQueue', () => {
  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.useRealTimers());

  it('queues one send job per reminder under its deterministic id, carrying the writing transaction', async () => {
    const addBulk = jest.fn(async () => []);
    await new ReminderQueue(queueWith(addBulk), config).handOver(['r1', 'r2'], now, '42');
    expect(addBulk).toHaveBeenCalledWith([
      expect.objectContaining({
        name: 'send',
        data: { reminderId: 'r1', xid: '42' },
        opts: expect.objectContaining({ jobId: 'reminder-r1', delay: 0, attempts: 5 }),
      }),
      expect.objectContaining({ data: { reminderId: 'r2', xid: '42' }, opts: expect.objectContaining({ jobId: 'reminder-r2' }) }),
    ]);
  });

  it('adds jobs a thousand at a time, each batch after the previous one finished', async () => {
    const sizes: number[] = [];
    let inFlight = 0;
    const addBulk = jest.fn(async (jobs: unknown[]) => {
      expect(inFlight).toBe(0);
      inFlight++;
      await new Promise((resolve) => setImmediate(resolve));
      sizes.push(jobs.length);
      inFlight--;
      return [];
    });
    const ids = Array.from({ length: 2_500 }, (_, i) => `r${i}`);
    await new ReminderQueue(queueWith(addBulk), config).handOver(ids, now, '42');
    expect(sizes).toEqual([1_000, 1_000, 500]);
    const jobIds = (addBulk.mock.calls as unknown as Array<[Array<{ opts: { jobId: string } }>]>).flatMap(([jobs]) =>
      jobs.map((j) => j.opts.jobId),
    );
    expect(jobIds).toEqual(ids.map((id) => `reminder-${id}`));
  });

  it('never fails the request when Redis refuses: the rows stay queued for the reconciler', async () => {
    const addBulk = jest.fn(async () => {
      throw new Error('ECONNREFUSED');
    });
    await expect(new ReminderQueue(queueWith(addBulk), config).handOver(['r1'], now, '42')).resolves.toBeUndefined();
    expect(Logger.prototype.warn).toHaveBeenCalledWith(expect.objectContaining({ reminders: 1 }), expect.stringContaining('reconciler'));
  });

  it('answers without waiting for ever when Redis is slow', async () => {
    jest.useFakeTimers();
    const addBulk = jest.fn(() => new Promise<never>(() => undefined));
    let settled = false;
    const handOver = new ReminderQueue(queueWith(addBulk), config).handOver(['r1'], now, '42').then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(1_900);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(200);
    await handOver;
    expect(settled).toBe(true);
  });

  it('leaves the rows to the reconciler while Redis is not connected, instead of piling up commands', async () => {
    const addBulk = jest.fn(async () => []);
    await new ReminderQueue(queueWith(addBulk, 'reconnecting'), config).handOver(['r1'], now, '42');
    expect(addBulk).not.toHaveBeenCalled();
    expect(Logger.prototype.warn).toHaveBeenCalledWith({ reminders: 1 }, expect.stringContaining('reconciler'));
  });

  it('queues nothing for nothing', async () => {
    const addBulk = jest.fn(async () => []);
    await new ReminderQueue(queueWith(addBulk), config).handOver([], now, '42');
    await new ReminderQueue(queueWith(addBulk), config).add([], now);
    expect(addBulk).not.toHaveBeenCalled();
  });
});

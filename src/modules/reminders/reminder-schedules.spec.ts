import { EventEmitter } from 'events';
import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Clock } from '../../common/clock';
import type { ReminderReconciler } from './reminder-reconciler';
import { ReminderSchedules } from './reminder-schedules';

const config = {
  reminders: {
    dispatchIntervalMs: 5_000,
    reconcileIntervalMs: 60_000,
    inactivityScanIntervalMs: 3_600_000,
    atRiskAlertIntervalMs: 300_000,
    watchdogIntervalMs: 5_000,
  },
} as never;
const IDS = ['reminder-dispatch', 'reminder-reconcile', 'inactivity-scan', 'at-risk-alerts', 'digest-send'];

/** A stand-in for BullMQ's Queue over a scheduler table (id → next run) and a job table (id → state). */
function fakeRedis() {
  const schedulers = new Map<string, number>();
  const jobs = new Map<string, string>();
  const connection = new EventEmitter();
  const calls: string[] = [];
  const queue = {
    getJobScheduler: jest.fn(async (id: string) => (schedulers.has(id) ? { key: id, name: id, next: schedulers.get(id) } : undefined)),
    getJob: jest.fn(async (id: string) => (jobs.has(id) ? { getState: async () => jobs.get(id) } : undefined)),
    upsertJobScheduler: jest.fn(async (id: string, repeat: { every: number }) => {
      calls.push(`upsert ${id}`);
      const next = (schedulers.get(id) ?? 1_000) + repeat.every;
      schedulers.set(id, next);
      jobs.set(`repeat:${id}:${next}`, 'delayed');
    }),
    getBackend: () => ({ client: Promise.resolve(connection) }),
  };
  /** Each pass logged with how many it releases (`released`, then 0). */
  const released: number[] = [];
  const reconciler = { run: jest.fn(async (_olderThan: Date) => (calls.push('reconcile'), released.shift() ?? 0)) };
  const schedules = new ReminderSchedules(queue as unknown as Queue, reconciler as unknown as ReminderReconciler, config, new Clock());
  /** Every scheduler present with a delayed next job, as a healthy Redis has them. */
  const healthy = () => IDS.forEach((id, i) => (schedulers.set(id, 10_000 + i), jobs.set(`repeat:${id}:${10_000 + i}`, 'delayed')));
  return { schedulers, jobs, connection, calls, released, queue, reconciler, schedules, healthy };
}

describe('ReminderSchedules', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('registers the four schedulers at start with the configured intervals, and reconciles first only if Redis had none', async () => {
    const warm = fakeRedis();
    warm.healthy();
    await warm.schedules.start();
    expect(warm.queue.upsertJobScheduler.mock.calls.map(([id, repeat]) => [id, repeat.every])).toEqual([
      ['reminder-dispatch', 5_000],
      ['reminder-reconcile', 60_000],
      ['inactivity-scan', 3_600_000],
      ['at-risk-alerts', 300_000],
      ['digest-send', 5_000],
    ]);
    expect(warm.reconciler.run).not.toHaveBeenCalled();
    await warm.schedules.onModuleDestroy();

    const empty = fakeRedis();
    await empty.schedules.start();
    expect(empty.calls).toEqual(['reconcile', ...IDS.map((id) => `upsert ${id}`)]);
    await empty.schedules.onModuleDestroy();
  });

  it('after a flush, warns, returns queued rows to the dispatcher at once, then re-creates only what is missing', async () => {
    const r = fakeRedis();
    r.healthy();
    await r.schedules.start();
    r.calls.length = 0;
    r.schedulers.delete('reminder-dispatch');
    r.schedulers.delete('inactivity-scan');
    await r.schedules.check();
    expect(r.calls).toEqual(['reconcile', 'upsert reminder-dispatch', 'upsert inactivity-scan']);
    expect(warn).toHaveBeenCalledWith(
      {
        schedulers: [
          { id: 'reminder-dispatch', problem: 'missing' },
          { id: 'inactivity-scan', problem: 'missing' },
        ],
      },
      expect.stringContaining('re-creating'),
    );
    // Repaired: the next check finds nothing to do.
    r.calls.length = 0;
    await r.schedules.check();
    expect(r.calls).toEqual([]);
    await r.schedules.onModuleDestroy();
  });

  it('reconciles one pass before re-creating the schedulers and the rest after, all over rows queued before the check began', async () => {
    const r = fakeRedis();
    r.released.push(5_000, 5_000, 1_234);
    const before = Date.now();
    await r.schedules.start();
    expect(r.calls).toEqual(['reconcile', ...IDS.map((id) => `upsert ${id}`), 'reconcile', 'reconcile', 'reconcile']);
    const cutoffs = r.reconciler.run.mock.calls.map(([olderThan]) => olderThan.getTime());
    expect(new Set(cutoffs).size).toBe(1);
    expect(cutoffs[0]).toBeGreaterThanOrEqual(before);
    expect(cutoffs[0]).toBeLessThanOrEqual(Date.now());
    await r.schedules.onModuleDestroy();
  });

  it('stops after 20 passes, leaving the rest to the reconciler', async () => {
    const r = fakeRedis();
    r.released.push(...Array<number>(30).fill(5_000));
    await r.schedules.start();
    expect(r.reconciler.run).toHaveBeenCalledTimes(20);
    await r.schedules.onModuleDestroy();
  });

  it('re-creates the schedulers when a reconciler pass fails, and logs it', async () => {
    const r = fakeRedis();
    r.reconciler.run.mockRejectedValueOnce(new Error('Connection terminated'));
    await r.schedules.start();
    expect(r.calls).toEqual(IDS.map((id) => `upsert ${id}`));
    expect(Logger.prototype.error).toHaveBeenCalledWith({ err: expect.any(Error) }, expect.stringContaining('reconciler will catch up'));
    await r.schedules.onModuleDestroy();
  });

  it.each(['missing', 'completed', 'failed'])('re-creates a scheduler that survived but whose pending job is %s', async (state) => {
    const r = fakeRedis();
    r.healthy();
    await r.schedules.start();
    r.calls.length = 0;
    const next = r.schedulers.get('reminder-dispatch');
    if (state === 'missing') r.jobs.delete(`repeat:reminder-dispatch:${next}`);
    else r.jobs.set(`repeat:reminder-dispatch:${next}`, state);
    await r.schedules.check();
    expect(r.calls).toEqual(['reconcile', 'upsert reminder-dispatch']);
    expect(warn).toHaveBeenCalledWith({ schedulers: [{ id: 'reminder-dispatch', problem: `next job ${state}` }] }, expect.any(String));
    await r.schedules.onModuleDestroy();
  });

  it('leaves alone schedulers whose next job will run, and one that moved on between the two reads', async () => {
    const r = fakeRedis();
    r.healthy();
    await r.schedules.start();
    r.calls.length = 0;
    const [dispatch, reconcile, scan] = IDS.map((id) => `repeat:${id}:${r.schedulers.get(id)}`);
    r.jobs.set(dispatch, 'active');
    r.jobs.set(reconcile, 'waiting');
    r.jobs.delete(scan); // it just ran and was removed: by now the scheduler points at the next one
    r.queue.getJobScheduler.mockImplementationOnce(async (id: string) => ({ key: id, name: id, next: r.schedulers.get(id) }));
    r.queue.getJobScheduler.mockImplementationOnce(async (id: string) => ({ key: id, name: id, next: r.schedulers.get(id) }));
    r.queue.getJobScheduler.mockImplementationOnce(async (id: string) => ({ key: id, name: id, next: r.schedulers.get(id) }));
    r.queue.getJobScheduler.mockImplementationOnce(async (id: string) => ({ key: id, name: id, next: r.schedulers.get(id)! + 1 }));
    await r.schedules.check();
    expect(r.calls).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    await r.schedules.onModuleDestroy();
  });

  it('checks on a real-time timer and when Redis reconnects, never two at once, and stops when closed', async () => {
    jest.useFakeTimers();
    const r = fakeRedis();
    r.healthy();
    await r.schedules.start();
    const reads = () => r.queue.getJobScheduler.mock.calls.length;
    const atStart = reads();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(reads()).toBe(atStart + IDS.length);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(reads()).toBe(atStart + 2 * IDS.length);
    // A reconnect checks at once (after a flush while disconnected, the repair comes without waiting for the tick).
    r.schedulers.clear();
    r.connection.emit('ready');
    r.connection.emit('ready'); // folded into one more check after the one in flight
    await jest.advanceTimersByTimeAsync(0);
    expect(r.calls.filter((c) => c.startsWith('upsert')).length).toBe(2 * IDS.length);
    await r.schedules.onModuleDestroy();
    const afterClose = reads();
    r.connection.emit('ready');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(reads()).toBe(afterClose);
    expect(r.connection.listenerCount('ready')).toBe(0);
  });

  it('logs a check that fails (Redis refusing) and tries again at the next tick', async () => {
    jest.useFakeTimers();
    const r = fakeRedis();
    r.healthy();
    await r.schedules.start();
    r.queue.getJobScheduler.mockRejectedValueOnce(new Error('Connection is closed.'));
    r.schedulers.delete('reminder-dispatch');
    r.calls.length = 0;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(r.calls).toEqual([]);
    expect(Logger.prototype.error).toHaveBeenCalledWith({ err: expect.any(Error) }, expect.stringContaining('trying again'));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(r.calls).toEqual(['reconcile', 'upsert reminder-dispatch']);
    await r.schedules.onModuleDestroy();
  });
});
